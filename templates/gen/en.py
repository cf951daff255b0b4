import os
TB='<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="border-collapse:collapse;margin:0 0 16px 0;font-size:14px;">'
P='<p style="margin:0 0 14px 0;">'
H='<h1 style="margin:0 0 14px 0;font-size:19px;line-height:1.3;color:#1f2328;">'
STAFF='{{define "closing"}}{{template "staff_signature" .}}{{end}}\n'
UC='"unknown company"'
L={}

L['completion_request']=('''{{define "subject"}}Your complaint is not yet complete{{end}}
{{define "text"}}{{template "salutation" .}}

We have received your complaint, but cannot handle it yet. The following details are missing or not valid:

{{range .Problems}}- {{.Label}}: {{.Reason}}
{{else}}- {{none}} (no details known)
{{end}}
How to complete it: reply to this e-mail and put each detail on a line of its own as "Label: value", for example:

{{range .Problems}}{{.Label}}: ...
{{else}}Phone number: +31 6 12345678
{{end}}
The handling term of twenty working days starts as soon as your complaint is complete. {{if .LapseDate.IsZero}}If we do not receive the details within twenty working days, your complaint lapses.{{else}}If we do not receive the details by {{date .LapseDate}}, your complaint lapses.{{end}}

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''We have received your complaint, but cannot handle it yet. The following details are missing or not valid:</p>
<ul style="margin:0 0 14px 0;padding-left:22px;">{{range .Problems}}<li><strong>{{.Label}}</strong>: {{.Reason}}</li>{{else}}<li>{{none}} (no details known)</li>{{end}}</ul>
'''+P+'''<strong>How to complete it:</strong> reply to this e-mail and put each detail on a line of its own as &ldquo;Label: value&rdquo;, for example:</p>
<p style="margin:0 0 14px 0;padding:8px 12px;background-color:#f6f8fa;font-family:Consolas,Menlo,monospace;font-size:14px;">{{range $i, $p := .Problems}}{{if $i}}<br>{{end}}{{$p.Label}}: ...{{else}}Phone number: +31 6 12345678{{end}}</p>
'''+P+'''The handling term of twenty working days starts as soon as your complaint is complete. {{if .LapseDate.IsZero}}If we do not receive the details within twenty working days, your complaint lapses.{{else}}If we do not receive the details by <strong>{{date .LapseDate}}</strong>, your complaint lapses.{{end}}</p>
{{template "howto" .}}{{end}}
''')

L['acknowledgement']=('''{{define "subject"}}Acknowledgement of your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

Thank you for your complaint. We received it{{if not .Received.IsZero}} on {{date .Received}}{{end}} and registered it under reference {{or .Ref none}}.

Your complaint is handled by {{or .Handler "a member of our complaints team"}}. We assess your complaint within twenty working days: you will receive our substantive response in writing by {{date .EndDate}} at the latest. If that is not possible, you will hear from us at least two working days before that date, with the reason and the length of the delay.

Please check the details as we received them:

{{template "fields" .}}

Is anything wrong? Reply to this e-mail with the correct details.

{{template "procedure" .}}

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Thank you for your complaint. We received it{{if not .Received.IsZero}} on {{date .Received}}{{end}} and registered it under reference <strong>{{or .Ref none}}</strong>.</p>
'''+TB+'''
{{template "kv" (list "Reference" (or .Ref none))}}
{{template "kv" (list "Handler" (or .Handler "a member of our complaints team"))}}
{{template "kv" (list "Response by" (date .EndDate))}}
</table>
'''+P+'''We assess your complaint within twenty working days: you will receive our substantive response in writing by <strong>{{date .EndDate}}</strong> at the latest. If that is not possible, you will hear from us at least two working days before that date, with the reason and the length of the delay.</p>
'''+P+'''Please check the details as we received them:</p>
{{template "fields" .}}
'''+P+'''Is anything wrong? Reply to this e-mail with the correct details.</p>
{{template "procedure" .}}
{{template "howto" .}}{{end}}
''')

L['handler_new']=('''{{define "subject"}}New complaint: {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}A new complaint has been assigned to you{{with .Handler}} ({{.}}){{end}}.

Reference: {{or .Ref none}}
Received: {{date .Received}}
End of the handling term: {{date .EndDate}}
Latest day for a delay notice: {{date .DelayLatest}}

{{template "fields" .}}

What to do
Send the substantive response with #response by {{date .EndDate}}. If that is not possible, give a delay with #delay N reason (N working days) by {{date .DelayLatest}}. If you do nothing, the complaints mailbox sends the complainant a delay notice itself on that day and tells you and management.

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''New complaint{{with .Handler}} for {{.}}{{end}}</h1>
'''+TB+'''
{{template "kv" (list "Reference" (or .Ref none))}}
{{template "kv" (list "Received" (date .Received))}}
{{template "kv" (list "End of the handling term" (date .EndDate))}}
{{template "kv" (list "Latest day for a delay notice" (date .DelayLatest))}}
</table>
{{template "fields" .}}
'''+P+'''<strong>What to do:</strong> send the substantive response with #response by <strong>{{date .EndDate}}</strong>. If that is not possible, give a delay with #delay N reason (N working days) by <strong>{{date .DelayLatest}}</strong>. If you do nothing, the complaints mailbox sends the complainant a delay notice itself on that day and tells you and management.</p>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['reminder']=('''{{define "subject"}}Reminder: {{workdays .DaysLeft}} left for the complaint of {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}Reminder{{with .Handler}} for {{.}}{{end}}: the handling term of complaint {{or .Ref none}} ({{or .Complaint.Company '''+UC+'''}}) ends on {{date .EndDate}}, in {{workdays .DaysLeft}}. No substantive response has been sent yet.

What happens if you do nothing? On {{date .DelayLatest}} the complaints mailbox sends the complainant a delay notice itself, with the default reason and extension, and tells you and management.

Send your response with #response, or give a delay with #delay N reason by {{date .DelayLatest}}.

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Reminder: {{workdays .DaysLeft}} left</h1>
'''+TB+'''
{{template "kv" (list "Reference" (or .Ref none))}}
{{template "kv" (list "Company" (or .Complaint.Company none))}}
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "End of the handling term" (date .EndDate))}}
{{template "kv" (list "Left" (workdays .DaysLeft))}}
</table>
'''+P+'''No substantive response has been sent yet.</p>
'''+P+'''<strong>What happens if you do nothing?</strong> On <strong>{{date .DelayLatest}}</strong> the complaints mailbox sends the complainant a delay notice itself, with the default reason and extension, and tells you and management.</p>
'''+P+'''Send your response with #response, or give a delay with #delay N reason by {{date .DelayLatest}}.</p>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['delay_notice']=('''{{define "subject"}}Delay in handling your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

We need more time to assess your complaint properly. The reason is:

{{template "quote" .DelayReason}}

The handling term is therefore extended by {{workdays .DelayDays}}. You will receive our substantive response by {{date .EndDate}} at the latest{{if not .OldEndDate.IsZero}} (instead of {{date .OldEndDate}}){{end}}.

Your complaint is handled by {{or .Handler "a member of our complaints team"}}. We apologise for the longer wait.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''We need more time to assess your complaint properly. The reason is:</p>
{{template "quote" .DelayReason}}
'''+TB+'''
{{template "kv" (list "Extension" (workdays .DelayDays))}}
{{if not .OldEndDate.IsZero}}{{template "kv" (list "Original end date" (date .OldEndDate))}}{{end}}
{{template "kv" (list "New end date" (date .EndDate))}}
</table>
'''+P+'''You will receive our substantive response by <strong>{{date .EndDate}}</strong> at the latest. Your complaint is handled by {{or .Handler "a member of our complaints team"}}. We apologise for the longer wait.</p>
{{template "howto" .}}{{end}}
''')

L['delay_auto_staff']=('''{{define "subject"}}Automatic delay notice sent: {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}The complaints mailbox has sent the complainant of complaint {{or .Ref none}} ({{or .Complaint.Company '''+UC+'''}}) a delay notice itself, because by the last day for one neither a substantive response nor a delay had been sent.

Handler: {{or .Handler none}}
Reason given: {{or .DelayReason none}}
Extension: {{workdays .DelayDays}}
Old end date: {{date .OldEndDate}}
New end date: {{date .EndDate}}
Extensions so far: {{.Extensions}}

Send the substantive response with #response by {{date .EndDate}}.

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Automatic delay notice sent</h1>
'''+P+'''The complaints mailbox has sent the complainant of complaint <strong>{{or .Ref none}}</strong> a delay notice itself, because by the last day for one neither a substantive response nor a delay had been sent.</p>
'''+TB+'''
{{template "kv" (list "Company" (or .Complaint.Company none))}}
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "Reason given" (or .DelayReason none))}}
{{template "kv" (list "Extension" (workdays .DelayDays))}}
{{template "kv" (list "Old end date" (date .OldEndDate))}}
{{template "kv" (list "New end date" (date .EndDate))}}
{{template "kv" (list "Extensions so far" .Extensions)}}
</table>
'''+P+'''Send the substantive response with #response by <strong>{{date .EndDate}}</strong>.</p>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['delay_staff_note']=('''{{define "subject"}}Delay on the complaint of {{or .Complaint.Company '''+UC+'''}}{{if .Late}}: given late{{else if ge .Extensions 2}}: extension no. {{.Extensions}}{{end}}{{end}}
{{define "text"}}{{if .Late}}A delay for complaint {{or .Ref none}} was given after the last day for a delay notice. The notice was still sent to the complainant; the procedure asks for notice at least two working days before the term ends.
{{end}}{{if ge .Extensions 2}}The handling term of complaint {{or .Ref none}} has now been extended {{.Extensions}} times.
{{end}}{{if and (not .Late) (lt .Extensions 2)}}The handling term of complaint {{or .Ref none}} has been extended.
{{end}}
Company: {{or .Complaint.Company none}}
Handler: {{or .Handler none}}
Reason: {{or .DelayReason none}}
Extension: {{workdays .DelayDays}}
Old end date: {{date .OldEndDate}}
New end date: {{date .EndDate}}
Sent by the complaints mailbox itself: {{yesno .Automatic}}

For your information; no action is needed. To tell the handler something, reply to this e-mail with #note on the first line.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Delay on complaint {{or .Ref none}}</h1>
{{if .Late}}'''+P+'''<strong>Given late:</strong> the delay was given after the last day for a delay notice. The notice was still sent to the complainant; the procedure asks for notice at least two working days before the term ends.</p>{{end}}
{{if ge .Extensions 2}}'''+P+'''The handling term has now been extended <strong>{{.Extensions}} times</strong>.</p>{{end}}
{{if and (not .Late) (lt .Extensions 2)}}'''+P+'''The handling term has been extended.</p>{{end}}
'''+TB+'''
{{template "kv" (list "Company" (or .Complaint.Company none))}}
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "Reason" (or .DelayReason none))}}
{{template "kv" (list "Extension" (workdays .DelayDays))}}
{{template "kv" (list "Old end date" (date .OldEndDate))}}
{{template "kv" (list "New end date" (date .EndDate))}}
{{template "kv" (list "Sent by the complaints mailbox itself" (yesno .Automatic))}}
</table>
'''+P+'''For your information; no action is needed. To tell the handler something, reply to this e-mail with #note on the first line.</p>{{end}}
''')

L['info_request']=('''{{define "subject"}}A question about your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

{{or .Handler "The handler of your complaint"}} has a question for you:

{{template "quote" .Text}}

The handling term keeps running: you will receive our substantive response by {{date .EndDate}} at the latest.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''{{or .Handler "The handler of your complaint"}} has a question for you:</p>
{{template "quote" .Text}}
'''+P+'''The handling term keeps running: you will receive our substantive response by <strong>{{date .EndDate}}</strong> at the latest.</p>
{{template "howto" .}}{{end}}
''')

L['relay_to_handler']=('''{{define "subject"}}Message from the complainant: {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}{{or .Sender .Complaint.Name "The complainant"}} replied on complaint {{or .Ref none}} ({{or .Complaint.Company '''+UC+'''}}):

{{template "quote" .Text}}

Attachments: {{with .Attachments}}{{join . ", "}}{{else}}{{none}}{{end}}
State: {{state .State}}
Handler: {{or .Handler none}}
End of the handling term: {{date .EndDate}}

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+P+'''<strong>{{or .Sender .Complaint.Name "The complainant"}}</strong> replied on complaint {{or .Ref none}} ({{or .Complaint.Company '''+UC+'''}}):</p>
{{template "quote" .Text}}
'''+TB+'''
{{template "kv" (list "Attachments" (or (join .Attachments ", ") none))}}
{{template "kv" (list "State" (state .State))}}
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "End of the handling term" (date .EndDate))}}
</table>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['relay_to_complainant']=('''{{define "subject"}}A message about your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

{{or .Sender .Handler "The handler of your complaint"}} sends you the following message about your complaint:

{{template "quote" .Text}}
{{with .Attachments}}
Attachments: {{join . ", "}}
{{end}}
State of your complaint: {{state .State}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''{{or .Sender .Handler "The handler of your complaint"}} sends you the following message about your complaint:</p>
{{template "quote" .Text}}
{{with .Attachments}}'''+P+'''Attachments: {{join . ", "}}</p>{{end}}
'''+P+'''State of your complaint: {{state .State}}.</p>
{{template "howto" .}}{{end}}
''')

L['response']=('''{{define "subject"}}Our response to your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

Please find below our substantive response to your complaint{{with .Handler}}, written by {{.}}{{end}}.

{{template "quote" .Text}}

If you find this outcome unsatisfactory, you may object to our management within ten working days. A separate message, which you will receive right after this one, explains how.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Please find below our substantive response to your complaint{{with .Handler}}, written by {{.}}{{end}}.</p>
{{template "quote" .Text}}
'''+P+'''If you find this outcome unsatisfactory, you may object to our management within ten working days. A separate message, which you will receive right after this one, explains how.</p>
{{template "howto" .}}{{end}}
''')

L['objection_deadline']=('''{{define "subject"}}You may object until {{date .ObjectionEnd}}{{end}}
{{define "text"}}{{template "salutation" .}}

You have received our substantive response to your complaint. If you find the proposed outcome unsatisfactory, you may object in writing to the management of {{or .Organisation "Ingressus"}}.

Last day to object: {{date .ObjectionEnd}} (ten working days after our response).

How to object: reply to this e-mail and explain why you disagree with the outcome, for example starting with "Objection:".

What follows: management will invite you for a conversation, in which the procedure followed and the proposed outcome are discussed; new facts or solutions may come up as well. The conversation is always recorded in writing. If it does not lead to a solution that satisfies you, you may bring the complaint before the competent court: the District Court of Rotterdam (rechtbank Rotterdam).

If we have received no objection by {{date .ObjectionEnd}}, we will close your complaint after that day.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''You have received our substantive response to your complaint. If you find the proposed outcome unsatisfactory, you may object in writing to the management of {{or .Organisation "Ingressus"}}.</p>
<p style="margin:0 0 14px 0;padding:10px 12px;border:1px solid #d9dce1;">Last day to object: <strong>{{date .ObjectionEnd}}</strong> (ten working days after our response).</p>
'''+P+'''<strong>How to object:</strong> reply to this e-mail and explain why you disagree with the outcome, for example starting with &ldquo;Objection:&rdquo;.</p>
'''+P+'''<strong>What follows:</strong> management will invite you for a conversation, in which the procedure followed and the proposed outcome are discussed; new facts or solutions may come up as well. The conversation is always recorded in writing. If it does not lead to a solution that satisfies you, you may bring the complaint before the competent court: the District Court of Rotterdam (rechtbank Rotterdam).</p>
'''+P+'''If we have received no objection by {{date .ObjectionEnd}}, we will close your complaint after that day.</p>
{{template "howto" .}}{{end}}
''')

L['objection_received']=('''{{define "subject"}}We have received your objection{{end}}
{{define "text"}}{{template "salutation" .}}

We have received your objection to the handling of your complaint. Your objection and the complete file have been passed on to the management of {{or .Organisation "Ingressus"}}.

Management will invite you for a conversation, in which the procedure followed and the proposed outcome are discussed. The conversation is always recorded in writing, and you will receive that record. The invitation will reach you by e-mail.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''We have received your objection to the handling of your complaint. Your objection and the complete file have been passed on to the management of {{or .Organisation "Ingressus"}}.</p>
'''+P+'''<strong>Management will invite you for a conversation</strong>, in which the procedure followed and the proposed outcome are discussed. The conversation is always recorded in writing, and you will receive that record. The invitation will reach you by e-mail.</p>
{{template "howto" .}}{{end}}
''')

L['objection_dossier']=('''{{define "subject"}}Objection on the complaint of {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}The complainant of complaint {{or .Ref none}} has objected to its handling. Under the complaints procedure, management invites the complainant for a conversation.

The objection{{with .Sender}} from {{.}}{{end}}:

{{template "quote" .Text}}

Handler: {{or .Handler none}}
State: {{state .State}}
Received: {{date .Received}}
Objection window until: {{date .ObjectionEnd}}

The complaint:

{{template "fields" .}}

Timeline:
{{range .Timeline}}- {{datetime .At}}: {{.What}}
{{else}}- {{none}}
{{end}}
What to do: invite the complainant by replying to this e-mail with #meeting date time [place], for example "#meeting 12-01-2027 14:00 Ingressus office" (or #gesprek); the complainant receives an invitation with a calendar attachment. Afterwards, record the conversation in writing with #record resolved or #record unresolved, followed by the record; it goes to the complainant.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Objection on complaint {{or .Ref none}}</h1>
'''+P+'''The complainant has objected to the handling of the complaint. Under the complaints procedure, management invites the complainant for a conversation.</p>
'''+P+'''The objection{{with .Sender}} from {{.}}{{end}}:</p>
{{template "quote" .Text}}
'''+TB+'''
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "State" (state .State))}}
{{template "kv" (list "Received" (date .Received))}}
{{template "kv" (list "Objection window until" (date .ObjectionEnd))}}
</table>
'''+P+'''<strong>The complaint</strong></p>
{{template "fields" .}}
'''+P+'''<strong>Timeline</strong></p>
'''+TB+'''
{{range .Timeline}}{{template "kv" (list (datetime .At) .What)}}{{else}}{{template "kv" (list (none) "")}}{{end}}
</table>
'''+P+'''<strong>What to do:</strong> invite the complainant by replying to this e-mail with <span style="font-family:Consolas,Menlo,monospace;">#meeting date time [place]</span>, for example &ldquo;#meeting 12-01-2027 14:00 Ingressus office&rdquo; (or #gesprek); the complainant receives an invitation with a calendar attachment. Afterwards, record the conversation in writing with <span style="font-family:Consolas,Menlo,monospace;">#record resolved</span> or <span style="font-family:Consolas,Menlo,monospace;">#record unresolved</span>, followed by the record; it goes to the complainant.</p>{{end}}
''')

L['objection_late']=('''{{define "subject"}}The objection window has passed{{end}}
{{define "text"}}{{template "salutation" .}}

We have received your message. The window for objecting to the handling of your complaint ran until {{date .ObjectionEnd}} inclusive. We are sorry, but we can therefore no longer treat your message as an objection.

Management and the handler have been told about your message.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''We have received your message. The window for objecting to the handling of your complaint ran until <strong>{{date .ObjectionEnd}}</strong> inclusive. We are sorry, but we can therefore no longer treat your message as an objection.</p>
'''+P+'''Management and the handler have been told about your message.</p>
{{template "howto" .}}{{end}}
''')

L['objection_late_staff']=('''{{define "subject"}}Objection after the window: {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}The complainant of complaint {{or .Ref none}} ({{or .Complaint.Company '''+UC+'''}}) sent an objection after the objection window had closed (it ran until {{date .ObjectionEnd}}). The complainant has been told that the window has passed.

The message{{with .Sender}} from {{.}}{{end}}:

{{template "quote" .Text}}

Handler: {{or .Handler none}}
State: {{state .State}}

To treat it as an objection after all, reply to this e-mail with #objection on the first line.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Objection after the window</h1>
'''+P+'''The complainant of complaint {{or .Ref none}} ({{or .Complaint.Company '''+UC+'''}}) sent an objection after the objection window had closed (it ran until {{date .ObjectionEnd}}). The complainant has been told that the window has passed.</p>
'''+P+'''The message{{with .Sender}} from {{.}}{{end}}:</p>
{{template "quote" .Text}}
'''+TB+'''
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "State" (state .State))}}
</table>
'''+P+'''To treat it as an objection after all, reply to this e-mail with #objection on the first line.</p>{{end}}
''')

L['invitation']=('''{{define "subject"}}Invitation to a conversation with management on {{date .MeetingAt}}{{end}}
{{define "text"}}{{template "salutation" .}}

Following your objection, the management of {{or .Organisation "Ingressus"}} invites you for a conversation.

Date: {{longdate .MeetingAt}}
Time: {{clock .MeetingAt}}
Place: {{or .MeetingPlace "to be announced"}}

In the conversation we discuss the procedure followed and the proposed outcome of your complaint; new facts or solutions may come up as well. The conversation is recorded in writing and you will receive the record. A calendar invitation is attached to this e-mail.

Does this time not suit you? Reply to this e-mail and propose another.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Following your objection, the management of {{or .Organisation "Ingressus"}} invites you for a conversation.</p>
'''+TB+'''
{{template "kv" (list "Date" (longdate .MeetingAt))}}
{{template "kv" (list "Time" (clock .MeetingAt))}}
{{template "kv" (list "Place" (or .MeetingPlace "to be announced"))}}
</table>
'''+P+'''In the conversation we discuss the procedure followed and the proposed outcome of your complaint; new facts or solutions may come up as well. The conversation is recorded in writing and you will receive the record. A calendar invitation is attached to this e-mail.</p>
'''+P+'''Does this time not suit you? Reply to this e-mail and propose another.</p>
{{template "howto" .}}{{end}}
''')

L['record']=('''{{define "subject"}}Record of the conversation about your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

Please find below the written record of the conversation{{if not .MeetingAt.IsZero}} of {{date .MeetingAt}}{{end}} about your complaint.

{{template "quote" .Text}}

{{if .Resolved}}Outcome: a solution was found in the conversation.{{else}}Outcome: the conversation did not lead to a solution that satisfies you. You may bring the complaint before the competent court: {{or .Court "the District Court of Rotterdam (rechtbank Rotterdam)"}}.{{end}} This completes the complaints procedure of {{or .Organisation "Ingressus"}}, and we close your complaint.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Please find below the written record of the conversation{{if not .MeetingAt.IsZero}} of {{date .MeetingAt}}{{end}} about your complaint.</p>
{{template "quote" .Text}}
'''+P+'''{{if .Resolved}}<strong>Outcome:</strong> a solution was found in the conversation.{{else}}<strong>Outcome:</strong> the conversation did not lead to a solution that satisfies you. You may bring the complaint before the competent court: {{or .Court "the District Court of Rotterdam (rechtbank Rotterdam)"}}.{{end}} This completes the complaints procedure of {{or .Organisation "Ingressus"}}, and we close your complaint.</p>
{{template "howto" .}}{{end}}
''')

L['closing']=('''{{define "subject"}}Your complaint has been closed{{end}}
{{define "text"}}{{template "salutation" .}}

The window for objecting to our response to your complaint has passed{{if not .ObjectionEnd.IsZero}} ({{date .ObjectionEnd}}){{end}} without an objection from you. We have therefore closed your complaint.

Thank you for taking the trouble to tell us what we can do better. Should you have another complaint later, please submit it through our digital complaint form{{with .FormURL}}: {{.}}{{end}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''The window for objecting to our response to your complaint has passed{{if not .ObjectionEnd.IsZero}} ({{date .ObjectionEnd}}){{end}} without an objection from you. We have therefore closed your complaint.</p>
'''+P+'''Thank you for taking the trouble to tell us what we can do better. Should you have another complaint later, please submit it through our digital complaint form{{with .FormURL}}: <a href="{{.}}" style="color:#1f4e79;">{{.}}</a>{{end}}.</p>
{{template "howto" .}}{{end}}
''')

L['closed']=('''{{define "subject"}}Your complaint has been closed{{end}}
{{define "text"}}{{template "salutation" .}}

{{if eq .State "withdrawn"}}We have registered your complaint as withdrawn and closed it.{{else}}We have closed your complaint{{if .Text}} for the following reason:{{else}}.{{end}}{{end}}
{{with .Text}}
{{template "quote" .}}
{{end}}
Should you have another complaint later, please submit it through our digital complaint form{{with .FormURL}}: {{.}}{{end}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''{{if eq .State "withdrawn"}}We have registered your complaint as withdrawn and closed it.{{else}}We have closed your complaint{{if .Text}} for the following reason:{{else}}.{{end}}{{end}}</p>
{{with .Text}}{{template "quote" .}}{{end}}
'''+P+'''Should you have another complaint later, please submit it through our digital complaint form{{with .FormURL}}: <a href="{{.}}" style="color:#1f4e79;">{{.}}</a>{{end}}.</p>
{{template "howto" .}}{{end}}
''')

L['lapse']=('''{{define "subject"}}Your complaint has lapsed{{end}}
{{define "text"}}{{template "salutation" .}}

We asked you to complete your complaint. As we did not receive the missing details within twenty working days{{if not .LapseDate.IsZero}} (by {{date .LapseDate}}){{end}}, your complaint has lapsed and will not be handled.

Would you still like to complain? Then please submit your complaint again through our digital complaint form{{with .FormURL}} ({{.}}){{end}} and fill in all details asked for: company name and address, your name, phone number and availability, e-mail address, the date, the description of your complaint and any reference numbers.

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''We asked you to complete your complaint. As we did not receive the missing details within twenty working days{{if not .LapseDate.IsZero}} (by {{date .LapseDate}}){{end}}, your complaint has lapsed and will not be handled.</p>
'''+P+'''<strong>Would you still like to complain?</strong> Then please submit your complaint again through our digital complaint form{{with .FormURL}} (<a href="{{.}}" style="color:#1f4e79;">{{.}}</a>){{end}} and fill in all details asked for: company name and address, your name, phone number and availability, e-mail address, the date, the description of your complaint and any reference numbers.</p>{{end}}
''')

L['closed_reply']=('''{{define "subject"}}Your complaint has already been closed{{end}}
{{define "text"}}{{template "salutation" .}}

We have received your message, but your complaint{{with .Ref}} {{.}}{{end}} has already been closed. We will therefore not act on your message; it has been kept, though.

Do you have a new complaint? Then please submit it through our digital complaint form{{with .FormURL}}: {{.}}{{end}}.

You receive this message only once.

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''We have received your message, but your complaint{{with .Ref}} {{.}}{{end}} has already been closed. We will therefore not act on your message; it has been kept, though.</p>
'''+P+'''<strong>Do you have a new complaint?</strong> Then please submit it through our digital complaint form{{with .FormURL}}: <a href="{{.}}" style="color:#1f4e79;">{{.}}</a>{{end}}.</p>
'''+P+'''You receive this message only once.</p>{{end}}
''')

L['reassigned']=('''{{define "subject"}}New handler for your complaint{{end}}
{{define "text"}}{{template "salutation" .}}

From now on your complaint is handled by {{or .Handler "another member of our complaints team"}}. The term does not change: you will receive our substantive response by {{date .EndDate}} at the latest.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''From now on your complaint is handled by <strong>{{or .Handler "another member of our complaints team"}}</strong>. The term does not change: you will receive our substantive response by <strong>{{date .EndDate}}</strong> at the latest.</p>
{{template "howto" .}}{{end}}
''')

L['handler_assigned']=('''{{define "subject"}}Complaint assigned to you: {{or .Complaint.Company '''+UC+'''}}{{end}}
{{define "text"}}Complaint {{or .Ref none}} has been assigned to you{{with .Handler}} ({{.}}){{end}}{{with .Sender}} by {{.}}{{end}}. The complainant has been told.

State: {{state .State}}
Received: {{date .Received}}
End of the handling term: {{date .EndDate}}
Latest day for a delay notice: {{date .DelayLatest}}

{{template "fields" .}}

Timeline:
{{range .Timeline}}- {{datetime .At}}: {{.What}}
{{else}}- {{none}}
{{end}}
{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Complaint assigned to you</h1>
'''+P+'''Complaint <strong>{{or .Ref none}}</strong> has been assigned to you{{with .Handler}} ({{.}}){{end}}{{with .Sender}} by {{.}}{{end}}. The complainant has been told.</p>
'''+TB+'''
{{template "kv" (list "State" (state .State))}}
{{template "kv" (list "Received" (date .Received))}}
{{template "kv" (list "End of the handling term" (date .EndDate))}}
{{template "kv" (list "Latest day for a delay notice" (date .DelayLatest))}}
</table>
{{template "fields" .}}
'''+P+'''<strong>Timeline</strong></p>
'''+TB+'''
{{range .Timeline}}{{template "kv" (list (datetime .At) .What)}}{{else}}{{template "kv" (list (none) "")}}{{end}}
</table>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['staff_notice']=('''{{define "subject"}}Notice from the complaints mailbox{{with .Complaint.Company}}: {{.}}{{end}}{{end}}
{{define "text"}}{{or .Notice "Something happened that you should know about."}}
{{with .Text}}
{{template "quote" .}}
{{end}}
What to do: {{or .Action "nothing; this message is for your information."}}
{{if .Ref}}
Complaint: {{.Ref}}{{with .Complaint.Company}} ({{.}}){{end}}
Handler: {{or .Handler none}}
State: {{state .State}}
End of the handling term: {{date .EndDate}}
{{end}}
{{if .Ref}}A reply to this e-mail with #note on the first line is kept in the file.{{end}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Notice from the complaints mailbox</h1>
'''+P+'''{{or .Notice "Something happened that you should know about."}}</p>
{{with .Text}}{{template "quote" .}}{{end}}
'''+P+'''<strong>What to do:</strong> {{or .Action "nothing; this message is for your information."}}</p>
{{if .Ref}}'''+TB+'''
{{template "kv" (list "Complaint" .Ref)}}
{{template "kv" (list "Company" (or .Complaint.Company none))}}
{{template "kv" (list "Handler" (or .Handler none))}}
{{template "kv" (list "State" (state .State))}}
{{template "kv" (list "End of the handling term" (date .EndDate))}}
</table>
'''+P+'''A reply to this e-mail with #note on the first line is kept in the file.</p>{{end}}{{end}}
''')

L['unknown_command']=('''{{define "subject"}}Unknown command{{with .Command}}: {{.}}{{end}}{{end}}
{{define "text"}}Your message started with the command "{{or .Command none}}", which the complaints mailbox does not know. Nothing was carried out; your message has been kept.

These commands are known:
{{range .Commands}}  {{.}}
{{else}}  #info, #delay N reason, #response, #note, #assign name, #objection, #meeting date time [place], #record [resolved|unresolved], #close reason, #withdrawn
{{end}}
Send your message again as a reply to the e-mail about the complaint, with a valid command on the first line. Without a command, your text goes to the complainant.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Unknown command</h1>
'''+P+'''Your message started with the command &ldquo;<span style="font-family:Consolas,Menlo,monospace;">{{or .Command none}}</span>&rdquo;, which the complaints mailbox does not know. Nothing was carried out; your message has been kept.</p>
'''+P+'''These commands are known:</p>
<ul style="margin:0 0 14px 0;padding-left:22px;font-family:Consolas,Menlo,monospace;font-size:14px;">{{range .Commands}}<li>{{.}}</li>{{else}}<li>#info, #delay N reason, #response, #note, #assign name, #objection, #meeting date time [place], #record [resolved|unresolved], #close reason, #withdrawn</li>{{end}}</ul>
'''+P+'''Send your message again as a reply to the e-mail about the complaint, with a valid command on the first line. Without a command, your text goes to the complainant.</p>{{end}}
''')

L['command_refused']=('''{{define "subject"}}Command not carried out{{with .Command}}: {{.}}{{end}}{{end}}
{{define "text"}}The command {{or .Command none}}{{with .Sender}} from {{.}}{{end}}{{with .Ref}} for complaint {{.}}{{end}} was not carried out.

Reason: {{or .Notice "unknown"}}
What to do: {{or .Action "send the command again from your own address as a handler or manager."}}

The message has been kept.{{with .Text}}

{{template "quote" .}}{{end}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Command not carried out</h1>
'''+P+'''The command <span style="font-family:Consolas,Menlo,monospace;">{{or .Command none}}</span>{{with .Sender}} from {{.}}{{end}}{{with .Ref}} for complaint {{.}}{{end}} was not carried out.</p>
'''+TB+'''
{{template "kv" (list "Reason" (or .Notice "unknown"))}}
{{template "kv" (list "What to do" (or .Action "send the command again from your own address as a handler or manager."))}}
</table>
'''+P+'''The message has been kept.</p>
{{with .Text}}{{template "quote" .}}{{end}}{{end}}
''')

L['alert']=('''{{define "subject"}}Attention: alert from the complaints mailbox{{end}}
{{define "text"}}What happened: {{or .Notice "unknown"}}

What to do: {{or .Action "check the complaints mailbox and the klachtd log."}}
{{with .Text}}
Details:
{{template "quote" .}}
{{end}}{{if .Ref}}
Complaint: {{.Ref}}{{with .Complaint.Company}} ({{.}}){{end}}
Handler: {{or .Handler none}}
{{end}}
{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Attention: alert from the complaints mailbox</h1>
'''+TB+'''
{{template "kv" (list "What happened" (or .Notice "unknown"))}}
{{template "kv" (list "What to do" (or .Action "check the complaints mailbox and the klachtd log."))}}
{{if .Ref}}{{template "kv" (list "Complaint" .Ref)}}
{{template "kv" (list "Handler" (or .Handler none))}}{{end}}
</table>
{{with .Text}}'''+P+'''Details:</p>
{{template "quote" .}}{{end}}{{end}}
''')

for name,(txt,html) in L.items():
    open(f'letters/en/{name}.txt.tmpl','w').write(txt)
    open(f'letters/en/{name}.html.tmpl','w').write(html)
print(len(L))
