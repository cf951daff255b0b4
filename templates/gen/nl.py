# Writes letters/nl/*.tmpl. Kept only while drafting; not part of the build.
import os
TB='<table role="presentation" cellpadding="0" cellspacing="0" border="0" width="100%" style="border-collapse:collapse;margin:0 0 16px 0;font-size:14px;">'
P='<p style="margin:0 0 14px 0;">'
H='<h1 style="margin:0 0 14px 0;font-size:19px;line-height:1.3;color:#1f2328;">'
STAFF='{{define "closing"}}{{template "staff_signature" .}}{{end}}\n'
L={}

L['completion_request']=('''{{define "subject"}}Uw klacht is nog niet compleet{{end}}
{{define "text"}}{{template "salutation" .}}

Wij hebben uw klacht ontvangen, maar kunnen deze nog niet in behandeling nemen. De volgende gegevens ontbreken of zijn niet juist:

{{range .Problems}}- {{.Label}}: {{.Reason}}
{{else}}- {{none}} (er zijn geen details bekend)
{{end}}
Hoe vult u dit aan? Beantwoord deze e-mail en zet elk gegeven op een eigen regel in de vorm "Label: waarde", bijvoorbeeld:

{{range .Problems}}{{.Label}}: ...
{{else}}Telefoonnummer: 06 12345678
{{end}}
De behandeltermijn van twintig werkdagen gaat in zodra uw klacht compleet is. {{if .LapseDate.IsZero}}Ontvangen wij de gegevens niet binnen twintig werkdagen, dan vervalt uw klacht.{{else}}Ontvangen wij de gegevens niet uiterlijk op {{date .LapseDate}}, dan vervalt uw klacht.{{end}}

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Wij hebben uw klacht ontvangen, maar kunnen deze nog niet in behandeling nemen. De volgende gegevens ontbreken of zijn niet juist:</p>
<ul style="margin:0 0 14px 0;padding-left:22px;">{{range .Problems}}<li><strong>{{.Label}}</strong>: {{.Reason}}</li>{{else}}<li>{{none}} (er zijn geen details bekend)</li>{{end}}</ul>
'''+P+'''<strong>Hoe vult u dit aan?</strong> Beantwoord deze e-mail en zet elk gegeven op een eigen regel in de vorm &ldquo;Label: waarde&rdquo;, bijvoorbeeld:</p>
<p style="margin:0 0 14px 0;padding:8px 12px;background-color:#f6f8fa;font-family:Consolas,Menlo,monospace;font-size:14px;">{{range $i, $p := .Problems}}{{if $i}}<br>{{end}}{{$p.Label}}: ...{{else}}Telefoonnummer: 06 12345678{{end}}</p>
'''+P+'''De behandeltermijn van twintig werkdagen gaat in zodra uw klacht compleet is. {{if .LapseDate.IsZero}}Ontvangen wij de gegevens niet binnen twintig werkdagen, dan vervalt uw klacht.{{else}}Ontvangen wij de gegevens niet uiterlijk op <strong>{{date .LapseDate}}</strong>, dan vervalt uw klacht.{{end}}</p>
{{template "howto" .}}{{end}}
''')

L['acknowledgement']=('''{{define "subject"}}Ontvangstbevestiging van uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

Hartelijk dank voor uw klacht. Wij hebben deze {{if not .Received.IsZero}}op {{date .Received}} {{end}}ontvangen en geregistreerd onder kenmerk {{or .Ref none}}.

Uw klacht wordt behandeld door {{or .Handler "een medewerker van de klachtenafhandeling"}}. Wij beoordelen uw klacht binnen twintig werkdagen: uiterlijk op {{date .EndDate}} ontvangt u schriftelijk onze inhoudelijke reactie. Lukt dat niet, dan ontvangt u uiterlijk twee werkdagen voor die datum bericht, met de reden en de duur van de vertraging.

Controleer graag de gegevens zoals wij ze hebben ontvangen:

{{template "fields" .}}

Klopt er iets niet? Beantwoord deze e-mail met de juiste gegevens.

{{template "procedure" .}}

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Hartelijk dank voor uw klacht. Wij hebben deze {{if not .Received.IsZero}}op {{date .Received}} {{end}}ontvangen en geregistreerd onder kenmerk <strong>{{or .Ref none}}</strong>.</p>
'''+TB+'''
{{template "kv" (list "Kenmerk" (or .Ref none))}}
{{template "kv" (list "Behandelaar" (or .Handler "een medewerker van de klachtenafhandeling"))}}
{{template "kv" (list "Uiterlijk een reactie op" (date .EndDate))}}
</table>
'''+P+'''Wij beoordelen uw klacht binnen twintig werkdagen: uiterlijk op <strong>{{date .EndDate}}</strong> ontvangt u schriftelijk onze inhoudelijke reactie. Lukt dat niet, dan ontvangt u uiterlijk twee werkdagen voor die datum bericht, met de reden en de duur van de vertraging.</p>
'''+P+'''Controleer graag de gegevens zoals wij ze hebben ontvangen:</p>
{{template "fields" .}}
'''+P+'''Klopt er iets niet? Beantwoord deze e-mail met de juiste gegevens.</p>
{{template "procedure" .}}
{{template "howto" .}}{{end}}
''')

L['handler_new']=('''{{define "subject"}}Nieuwe klacht: {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}Er is een nieuwe klacht aan u toegewezen{{with .Handler}} ({{.}}){{end}}.

Kenmerk: {{or .Ref none}}
Ontvangen: {{date .Received}}
Einde behandeltermijn: {{date .EndDate}}
Uiterlijk een vertraging melden op: {{date .DelayLatest}}

{{template "fields" .}}

Wat moet u doen?
Stuur uiterlijk op {{date .EndDate}} de inhoudelijke reactie met #reactie. Lukt dat niet, geef dan uiterlijk op {{date .DelayLatest}} een vertraging op met #vertraging N reden (N werkdagen). Doet u niets, dan stuurt de klachtenmailbox op die dag zelf een vertragingsbericht aan de indiener en worden u en de directie daarover geïnformeerd.

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Nieuwe klacht{{with .Handler}} voor {{.}}{{end}}</h1>
'''+TB+'''
{{template "kv" (list "Kenmerk" (or .Ref none))}}
{{template "kv" (list "Ontvangen" (date .Received))}}
{{template "kv" (list "Einde behandeltermijn" (date .EndDate))}}
{{template "kv" (list "Uiterlijk een vertraging melden op" (date .DelayLatest))}}
</table>
{{template "fields" .}}
'''+P+'''<strong>Wat moet u doen?</strong> Stuur uiterlijk op <strong>{{date .EndDate}}</strong> de inhoudelijke reactie met #reactie. Lukt dat niet, geef dan uiterlijk op <strong>{{date .DelayLatest}}</strong> een vertraging op met #vertraging N reden (N werkdagen). Doet u niets, dan stuurt de klachtenmailbox op die dag zelf een vertragingsbericht aan de indiener en worden u en de directie daarover geïnformeerd.</p>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['reminder']=('''{{define "subject"}}Herinnering: nog {{workdays .DaysLeft}} voor de klacht van {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}Herinnering{{with .Handler}} voor {{.}}{{end}}: de behandeltermijn van klacht {{or .Ref none}} ({{or .Complaint.Company "onbekend bedrijf"}}) eindigt op {{date .EndDate}}, over {{workdays .DaysLeft}}. Er is nog geen inhoudelijke reactie verstuurd.

Wat gebeurt er als u niets doet? Op {{date .DelayLatest}} stuurt de klachtenmailbox de indiener zelf een vertragingsbericht met de standaardreden en -verlenging, en worden u en de directie daarover geïnformeerd.

Stuur uw reactie met #reactie, of geef uiterlijk op {{date .DelayLatest}} een vertraging op met #vertraging N reden.

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Herinnering: nog {{workdays .DaysLeft}}</h1>
'''+TB+'''
{{template "kv" (list "Kenmerk" (or .Ref none))}}
{{template "kv" (list "Bedrijf" (or .Complaint.Company none))}}
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Einde behandeltermijn" (date .EndDate))}}
{{template "kv" (list "Resterend" (workdays .DaysLeft))}}
</table>
'''+P+'''Er is nog geen inhoudelijke reactie verstuurd.</p>
'''+P+'''<strong>Wat gebeurt er als u niets doet?</strong> Op <strong>{{date .DelayLatest}}</strong> stuurt de klachtenmailbox de indiener zelf een vertragingsbericht met de standaardreden en -verlenging, en worden u en de directie daarover geïnformeerd.</p>
'''+P+'''Stuur uw reactie met #reactie, of geef uiterlijk op {{date .DelayLatest}} een vertraging op met #vertraging N reden.</p>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['delay_notice']=('''{{define "subject"}}Vertraging in de behandeling van uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

Wij hebben meer tijd nodig om uw klacht zorgvuldig te beoordelen. De reden daarvoor is:

{{template "quote" .DelayReason}}

De behandeltermijn wordt daarom met {{workdays .DelayDays}} verlengd. U ontvangt onze inhoudelijke reactie uiterlijk op {{date .EndDate}}{{if not .OldEndDate.IsZero}} (in plaats van {{date .OldEndDate}}){{end}}.

Uw klacht wordt behandeld door {{or .Handler "een medewerker van de klachtenafhandeling"}}. Onze excuses voor het langere wachten.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Wij hebben meer tijd nodig om uw klacht zorgvuldig te beoordelen. De reden daarvoor is:</p>
{{template "quote" .DelayReason}}
'''+TB+'''
{{template "kv" (list "Verlenging" (workdays .DelayDays))}}
{{if not .OldEndDate.IsZero}}{{template "kv" (list "Oorspronkelijke einddatum" (date .OldEndDate))}}{{end}}
{{template "kv" (list "Nieuwe einddatum" (date .EndDate))}}
</table>
'''+P+'''U ontvangt onze inhoudelijke reactie uiterlijk op <strong>{{date .EndDate}}</strong>. Uw klacht wordt behandeld door {{or .Handler "een medewerker van de klachtenafhandeling"}}. Onze excuses voor het langere wachten.</p>
{{template "howto" .}}{{end}}
''')

L['delay_auto_staff']=('''{{define "subject"}}Automatisch vertragingsbericht verstuurd: {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}De klachtenmailbox heeft voor klacht {{or .Ref none}} ({{or .Complaint.Company "onbekend bedrijf"}}) zelf een vertragingsbericht aan de indiener gestuurd, omdat er op de laatste dag daarvoor nog geen inhoudelijke reactie en geen vertraging was verstuurd.

Behandelaar: {{or .Handler none}}
Reden in het bericht: {{or .DelayReason none}}
Verlenging: {{workdays .DelayDays}}
Oude einddatum: {{date .OldEndDate}}
Nieuwe einddatum: {{date .EndDate}}
Aantal verlengingen: {{.Extensions}}

Stuur de inhoudelijke reactie uiterlijk op {{date .EndDate}} met #reactie.

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Automatisch vertragingsbericht verstuurd</h1>
'''+P+'''De klachtenmailbox heeft voor klacht <strong>{{or .Ref none}}</strong> zelf een vertragingsbericht aan de indiener gestuurd, omdat er op de laatste dag daarvoor nog geen inhoudelijke reactie en geen vertraging was verstuurd.</p>
'''+TB+'''
{{template "kv" (list "Bedrijf" (or .Complaint.Company none))}}
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Reden in het bericht" (or .DelayReason none))}}
{{template "kv" (list "Verlenging" (workdays .DelayDays))}}
{{template "kv" (list "Oude einddatum" (date .OldEndDate))}}
{{template "kv" (list "Nieuwe einddatum" (date .EndDate))}}
{{template "kv" (list "Aantal verlengingen" .Extensions)}}
</table>
'''+P+'''Stuur de inhoudelijke reactie uiterlijk op <strong>{{date .EndDate}}</strong> met #reactie.</p>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['delay_staff_note']=('''{{define "subject"}}Vertraging bij klacht van {{or .Complaint.Company "onbekend bedrijf"}}{{if .Late}}: te laat gemeld{{else if ge .Extensions 2}}: {{.Extensions}}e verlenging{{end}}{{end}}
{{define "text"}}{{if .Late}}Voor klacht {{or .Ref none}} is een vertraging opgegeven na de uiterste dag voor een vertragingsbericht. Het bericht is toch aan de indiener verstuurd; de klachtenregeling vraagt om bericht uiterlijk twee werkdagen voor het einde van de termijn.
{{end}}{{if ge .Extensions 2}}De behandeltermijn van klacht {{or .Ref none}} is nu {{.Extensions}} keer verlengd.
{{end}}{{if and (not .Late) (lt .Extensions 2)}}De behandeltermijn van klacht {{or .Ref none}} is verlengd.
{{end}}
Bedrijf: {{or .Complaint.Company none}}
Behandelaar: {{or .Handler none}}
Reden: {{or .DelayReason none}}
Verlenging: {{workdays .DelayDays}}
Oude einddatum: {{date .OldEndDate}}
Nieuwe einddatum: {{date .EndDate}}
Door de klachtenmailbox zelf verstuurd: {{yesno .Automatic}}

Ter informatie; er is geen actie nodig. Wilt u iets aan de behandelaar laten weten, beantwoord dan deze e-mail met #notitie op de eerste regel.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Vertraging bij klacht {{or .Ref none}}</h1>
{{if .Late}}'''+P+'''<strong>Te laat gemeld:</strong> de vertraging is opgegeven na de uiterste dag voor een vertragingsbericht. Het bericht is toch aan de indiener verstuurd; de klachtenregeling vraagt om bericht uiterlijk twee werkdagen voor het einde van de termijn.</p>{{end}}
{{if ge .Extensions 2}}'''+P+'''De behandeltermijn is nu <strong>{{.Extensions}} keer</strong> verlengd.</p>{{end}}
{{if and (not .Late) (lt .Extensions 2)}}'''+P+'''De behandeltermijn is verlengd.</p>{{end}}
'''+TB+'''
{{template "kv" (list "Bedrijf" (or .Complaint.Company none))}}
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Reden" (or .DelayReason none))}}
{{template "kv" (list "Verlenging" (workdays .DelayDays))}}
{{template "kv" (list "Oude einddatum" (date .OldEndDate))}}
{{template "kv" (list "Nieuwe einddatum" (date .EndDate))}}
{{template "kv" (list "Door de klachtenmailbox zelf verstuurd" (yesno .Automatic))}}
</table>
'''+P+'''Ter informatie; er is geen actie nodig. Wilt u iets aan de behandelaar laten weten, beantwoord dan deze e-mail met #notitie op de eerste regel.</p>{{end}}
''')

L['info_request']=('''{{define "subject"}}Vraag over uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

{{or .Handler "De behandelaar van uw klacht"}} heeft een vraag aan u:

{{template "quote" .Text}}

De behandeltermijn loopt intussen door: u ontvangt onze inhoudelijke reactie uiterlijk op {{date .EndDate}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''{{or .Handler "De behandelaar van uw klacht"}} heeft een vraag aan u:</p>
{{template "quote" .Text}}
'''+P+'''De behandeltermijn loopt intussen door: u ontvangt onze inhoudelijke reactie uiterlijk op <strong>{{date .EndDate}}</strong>.</p>
{{template "howto" .}}{{end}}
''')

L['relay_to_handler']=('''{{define "subject"}}Bericht van de indiener: {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}{{or .Sender .Complaint.Name "De indiener"}} heeft gereageerd op klacht {{or .Ref none}} ({{or .Complaint.Company "onbekend bedrijf"}}):

{{template "quote" .Text}}

Bijlagen: {{with .Attachments}}{{join . ", "}}{{else}}{{none}}{{end}}
Status: {{state .State}}
Behandelaar: {{or .Handler none}}
Einde behandeltermijn: {{date .EndDate}}

{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+P+'''<strong>{{or .Sender .Complaint.Name "De indiener"}}</strong> heeft gereageerd op klacht {{or .Ref none}} ({{or .Complaint.Company "onbekend bedrijf"}}):</p>
{{template "quote" .Text}}
'''+TB+'''
{{template "kv" (list "Bijlagen" (or (join .Attachments ", ") none))}}
{{template "kv" (list "Status" (state .State))}}
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Einde behandeltermijn" (date .EndDate))}}
</table>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['relay_to_complainant']=('''{{define "subject"}}Bericht over uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

{{or .Sender .Handler "De behandelaar van uw klacht"}} stuurt u het volgende bericht over uw klacht:

{{template "quote" .Text}}
{{with .Attachments}}
Bijlagen: {{join . ", "}}
{{end}}
Status van uw klacht: {{state .State}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''{{or .Sender .Handler "De behandelaar van uw klacht"}} stuurt u het volgende bericht over uw klacht:</p>
{{template "quote" .Text}}
{{with .Attachments}}'''+P+'''Bijlagen: {{join . ", "}}</p>{{end}}
'''+P+'''Status van uw klacht: {{state .State}}.</p>
{{template "howto" .}}{{end}}
''')

L['response']=('''{{define "subject"}}Reactie op uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

Hierbij ontvangt u onze inhoudelijke reactie op uw klacht{{with .Handler}}, opgesteld door {{.}}{{end}}.

{{template "quote" .Text}}

Vindt u deze afhandeling onvoldoende, dan kunt u binnen tien werkdagen bezwaar maken bij de directie. Hoe dat gaat, leest u in het aparte bericht dat u direct na dit bericht ontvangt.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Hierbij ontvangt u onze inhoudelijke reactie op uw klacht{{with .Handler}}, opgesteld door {{.}}{{end}}.</p>
{{template "quote" .Text}}
'''+P+'''Vindt u deze afhandeling onvoldoende, dan kunt u binnen tien werkdagen bezwaar maken bij de directie. Hoe dat gaat, leest u in het aparte bericht dat u direct na dit bericht ontvangt.</p>
{{template "howto" .}}{{end}}
''')

L['objection_deadline']=('''{{define "subject"}}Bezwaar maken kan tot en met {{date .ObjectionEnd}}{{end}}
{{define "text"}}{{template "salutation" .}}

U heeft onze inhoudelijke reactie op uw klacht ontvangen. Vindt u de voorgestelde afhandeling onvoldoende, dan kunt u schriftelijk bezwaar maken bij de directie van {{or .Organisation "Ingressus"}}.

Laatste dag om bezwaar te maken: {{date .ObjectionEnd}} (tien werkdagen na onze reactie).

Hoe maakt u bezwaar? Beantwoord deze e-mail en schrijf waarom u het niet eens bent met de afhandeling, bijvoorbeeld beginnend met "Bezwaar:".

Wat volgt er? De directie nodigt u uit voor een gesprek. Daarin worden de gevolgde procedure en de voorgestelde afhandeling besproken; ook nieuwe feiten of oplossingen kunnen aan de orde komen. Het gesprek wordt altijd schriftelijk vastgelegd. Leidt het gesprek niet tot een voor u bevredigende oplossing, dan kunt u de klacht voorleggen aan de bevoegde rechter: de rechtbank Rotterdam (arrondissement Rotterdam).

Ontvangen wij uiterlijk op {{date .ObjectionEnd}} geen bezwaar, dan sluiten wij uw klacht daarna af.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''U heeft onze inhoudelijke reactie op uw klacht ontvangen. Vindt u de voorgestelde afhandeling onvoldoende, dan kunt u schriftelijk bezwaar maken bij de directie van {{or .Organisation "Ingressus"}}.</p>
<p style="margin:0 0 14px 0;padding:10px 12px;border:1px solid #d9dce1;">Laatste dag om bezwaar te maken: <strong>{{date .ObjectionEnd}}</strong> (tien werkdagen na onze reactie).</p>
'''+P+'''<strong>Hoe maakt u bezwaar?</strong> Beantwoord deze e-mail en schrijf waarom u het niet eens bent met de afhandeling, bijvoorbeeld beginnend met &ldquo;Bezwaar:&rdquo;.</p>
'''+P+'''<strong>Wat volgt er?</strong> De directie nodigt u uit voor een gesprek. Daarin worden de gevolgde procedure en de voorgestelde afhandeling besproken; ook nieuwe feiten of oplossingen kunnen aan de orde komen. Het gesprek wordt altijd schriftelijk vastgelegd. Leidt het gesprek niet tot een voor u bevredigende oplossing, dan kunt u de klacht voorleggen aan de bevoegde rechter: de rechtbank Rotterdam (arrondissement Rotterdam).</p>
'''+P+'''Ontvangen wij uiterlijk op {{date .ObjectionEnd}} geen bezwaar, dan sluiten wij uw klacht daarna af.</p>
{{template "howto" .}}{{end}}
''')

L['objection_received']=('''{{define "subject"}}Uw bezwaar is ontvangen{{end}}
{{define "text"}}{{template "salutation" .}}

Wij hebben uw bezwaar tegen de afhandeling van uw klacht ontvangen. Uw bezwaar en het volledige dossier zijn doorgestuurd aan de directie van {{or .Organisation "Ingressus"}}.

De directie nodigt u uit voor een gesprek. In dat gesprek worden de gevolgde procedure en de voorgestelde afhandeling besproken. Van het gesprek wordt altijd een schriftelijk verslag gemaakt, dat u van ons ontvangt. U ontvangt de uitnodiging per e-mail.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Wij hebben uw bezwaar tegen de afhandeling van uw klacht ontvangen. Uw bezwaar en het volledige dossier zijn doorgestuurd aan de directie van {{or .Organisation "Ingressus"}}.</p>
'''+P+'''<strong>De directie nodigt u uit voor een gesprek.</strong> In dat gesprek worden de gevolgde procedure en de voorgestelde afhandeling besproken. Van het gesprek wordt altijd een schriftelijk verslag gemaakt, dat u van ons ontvangt. U ontvangt de uitnodiging per e-mail.</p>
{{template "howto" .}}{{end}}
''')

L['objection_dossier']=('''{{define "subject"}}Bezwaar bij klacht van {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}De indiener van klacht {{or .Ref none}} heeft bezwaar gemaakt tegen de afhandeling. Volgens de klachtenregeling nodigt de directie de indiener uit voor een gesprek.

Het bezwaar{{with .Sender}} van {{.}}{{end}}:

{{template "quote" .Text}}

Behandelaar: {{or .Handler none}}
Status: {{state .State}}
Ontvangen: {{date .Received}}
Bezwaartermijn tot en met: {{date .ObjectionEnd}}

De klacht:

{{template "fields" .}}

Verloop van het dossier:
{{range .Timeline}}- {{datetime .At}}: {{.What}}
{{else}}- {{none}}
{{end}}
Wat moet u doen? Nodig de indiener uit door deze e-mail te beantwoorden met #gesprek datum tijd [plaats], bijvoorbeeld "#gesprek 12-01-2027 14:00 Kantoor Ingressus" (of #meeting); de indiener krijgt een uitnodiging met agenda-bijlage. Leg het gesprek daarna schriftelijk vast met #verslag opgelost of #verslag onopgelost, gevolgd door het verslag; dat gaat naar de indiener.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Bezwaar bij klacht {{or .Ref none}}</h1>
'''+P+'''De indiener heeft bezwaar gemaakt tegen de afhandeling. Volgens de klachtenregeling nodigt de directie de indiener uit voor een gesprek.</p>
'''+P+'''Het bezwaar{{with .Sender}} van {{.}}{{end}}:</p>
{{template "quote" .Text}}
'''+TB+'''
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Status" (state .State))}}
{{template "kv" (list "Ontvangen" (date .Received))}}
{{template "kv" (list "Bezwaartermijn tot en met" (date .ObjectionEnd))}}
</table>
'''+P+'''<strong>De klacht</strong></p>
{{template "fields" .}}
'''+P+'''<strong>Verloop van het dossier</strong></p>
'''+TB+'''
{{range .Timeline}}{{template "kv" (list (datetime .At) .What)}}{{else}}{{template "kv" (list (none) "")}}{{end}}
</table>
'''+P+'''<strong>Wat moet u doen?</strong> Nodig de indiener uit door deze e-mail te beantwoorden met <span style="font-family:Consolas,Menlo,monospace;">#gesprek datum tijd [plaats]</span>, bijvoorbeeld &ldquo;#gesprek 12-01-2027 14:00 Kantoor Ingressus&rdquo; (of #meeting); de indiener krijgt een uitnodiging met agenda-bijlage. Leg het gesprek daarna schriftelijk vast met <span style="font-family:Consolas,Menlo,monospace;">#verslag opgelost</span> of <span style="font-family:Consolas,Menlo,monospace;">#verslag onopgelost</span>, gevolgd door het verslag; dat gaat naar de indiener.</p>{{end}}
''')

L['objection_late']=('''{{define "subject"}}De bezwaartermijn is verstreken{{end}}
{{define "text"}}{{template "salutation" .}}

Wij hebben uw bericht ontvangen. De termijn om bezwaar te maken tegen de afhandeling van uw klacht liep tot en met {{date .ObjectionEnd}}. Wij kunnen uw bericht daarom helaas niet meer als bezwaar in behandeling nemen.

De directie en de behandelaar zijn over uw bericht geïnformeerd.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Wij hebben uw bericht ontvangen. De termijn om bezwaar te maken tegen de afhandeling van uw klacht liep tot en met <strong>{{date .ObjectionEnd}}</strong>. Wij kunnen uw bericht daarom helaas niet meer als bezwaar in behandeling nemen.</p>
'''+P+'''De directie en de behandelaar zijn over uw bericht geïnformeerd.</p>
{{template "howto" .}}{{end}}
''')

L['objection_late_staff']=('''{{define "subject"}}Bezwaar na de termijn: {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}De indiener van klacht {{or .Ref none}} ({{or .Complaint.Company "onbekend bedrijf"}}) heeft na afloop van de bezwaartermijn (tot en met {{date .ObjectionEnd}}) een bezwaar gestuurd. De indiener heeft bericht gekregen dat de termijn verstreken is.

Het bericht{{with .Sender}} van {{.}}{{end}}:

{{template "quote" .Text}}

Behandelaar: {{or .Handler none}}
Status: {{state .State}}

Wilt u het toch als bezwaar behandelen, beantwoord deze e-mail dan met #bezwaar op de eerste regel.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Bezwaar na de termijn</h1>
'''+P+'''De indiener van klacht {{or .Ref none}} ({{or .Complaint.Company "onbekend bedrijf"}}) heeft na afloop van de bezwaartermijn (tot en met {{date .ObjectionEnd}}) een bezwaar gestuurd. De indiener heeft bericht gekregen dat de termijn verstreken is.</p>
'''+P+'''Het bericht{{with .Sender}} van {{.}}{{end}}:</p>
{{template "quote" .Text}}
'''+TB+'''
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Status" (state .State))}}
</table>
'''+P+'''Wilt u het toch als bezwaar behandelen, beantwoord deze e-mail dan met #bezwaar op de eerste regel.</p>{{end}}
''')

L['invitation']=('''{{define "subject"}}Uitnodiging voor een gesprek met de directie op {{date .MeetingAt}}{{end}}
{{define "text"}}{{template "salutation" .}}

Naar aanleiding van uw bezwaar nodigt de directie van {{or .Organisation "Ingressus"}} u uit voor een gesprek.

Datum: {{longdate .MeetingAt}}
Tijd: {{clock .MeetingAt}}
Plaats: {{or .MeetingPlace "volgt nog"}}

In het gesprek bespreken wij de gevolgde procedure en de voorgestelde afhandeling van uw klacht; ook nieuwe feiten of oplossingen kunnen aan de orde komen. Het gesprek wordt schriftelijk vastgelegd en u ontvangt het verslag. Bij deze e-mail vindt u een agenda-uitnodiging.

Past dit moment u niet? Beantwoord deze e-mail en stel een ander moment voor.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Naar aanleiding van uw bezwaar nodigt de directie van {{or .Organisation "Ingressus"}} u uit voor een gesprek.</p>
'''+TB+'''
{{template "kv" (list "Datum" (longdate .MeetingAt))}}
{{template "kv" (list "Tijd" (clock .MeetingAt))}}
{{template "kv" (list "Plaats" (or .MeetingPlace "volgt nog"))}}
</table>
'''+P+'''In het gesprek bespreken wij de gevolgde procedure en de voorgestelde afhandeling van uw klacht; ook nieuwe feiten of oplossingen kunnen aan de orde komen. Het gesprek wordt schriftelijk vastgelegd en u ontvangt het verslag. Bij deze e-mail vindt u een agenda-uitnodiging.</p>
'''+P+'''Past dit moment u niet? Beantwoord deze e-mail en stel een ander moment voor.</p>
{{template "howto" .}}{{end}}
''')

L['record']=('''{{define "subject"}}Verslag van het gesprek over uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

Hierbij ontvangt u het schriftelijke verslag van het gesprek{{if not .MeetingAt.IsZero}} van {{date .MeetingAt}}{{end}} over uw klacht.

{{template "quote" .Text}}

{{if .Resolved}}Uitkomst: in het gesprek is een oplossing gevonden.{{else}}Uitkomst: het gesprek heeft niet geleid tot een voor u bevredigende oplossing. U kunt de klacht voorleggen aan de bevoegde rechter: {{or .Court "de rechtbank Rotterdam (arrondissement Rotterdam)"}}.{{end}} Hiermee is de klachtenprocedure van {{or .Organisation "Ingressus"}} afgerond en sluiten wij uw klacht af.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Hierbij ontvangt u het schriftelijke verslag van het gesprek{{if not .MeetingAt.IsZero}} van {{date .MeetingAt}}{{end}} over uw klacht.</p>
{{template "quote" .Text}}
'''+P+'''{{if .Resolved}}<strong>Uitkomst:</strong> in het gesprek is een oplossing gevonden.{{else}}<strong>Uitkomst:</strong> het gesprek heeft niet geleid tot een voor u bevredigende oplossing. U kunt de klacht voorleggen aan de bevoegde rechter: {{or .Court "de rechtbank Rotterdam (arrondissement Rotterdam)"}}.{{end}} Hiermee is de klachtenprocedure van {{or .Organisation "Ingressus"}} afgerond en sluiten wij uw klacht af.</p>
{{template "howto" .}}{{end}}
''')

L['closing']=('''{{define "subject"}}Uw klacht is afgesloten{{end}}
{{define "text"}}{{template "salutation" .}}

De termijn om bezwaar te maken tegen onze reactie op uw klacht is {{if not .ObjectionEnd.IsZero}}op {{date .ObjectionEnd}} {{end}}verstreken, zonder dat wij een bezwaar hebben ontvangen. Wij sluiten uw klacht daarom af.

Dank u wel dat u de moeite heeft genomen ons te laten weten wat er beter kan. Heeft u later opnieuw een klacht, dien deze dan in via ons digitale klachtenformulier{{with .FormURL}}: {{.}}{{end}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''De termijn om bezwaar te maken tegen onze reactie op uw klacht is {{if not .ObjectionEnd.IsZero}}op {{date .ObjectionEnd}} {{end}}verstreken, zonder dat wij een bezwaar hebben ontvangen. Wij sluiten uw klacht daarom af.</p>
'''+P+'''Dank u wel dat u de moeite heeft genomen ons te laten weten wat er beter kan. Heeft u later opnieuw een klacht, dien deze dan in via ons digitale klachtenformulier{{with .FormURL}}: <a href="{{.}}" style="color:#1f4e79;">{{.}}</a>{{end}}.</p>
{{template "howto" .}}{{end}}
''')

L['closed']=('''{{define "subject"}}Uw klacht is afgesloten{{end}}
{{define "text"}}{{template "salutation" .}}

{{if eq .State "withdrawn"}}Wij hebben uw klacht als ingetrokken geregistreerd en sluiten deze af.{{else}}Wij sluiten uw klacht af{{if .Text}} om de volgende reden:{{else}}.{{end}}{{end}}
{{with .Text}}
{{template "quote" .}}
{{end}}
Heeft u later opnieuw een klacht, dien deze dan in via ons digitale klachtenformulier{{with .FormURL}}: {{.}}{{end}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''{{if eq .State "withdrawn"}}Wij hebben uw klacht als ingetrokken geregistreerd en sluiten deze af.{{else}}Wij sluiten uw klacht af{{if .Text}} om de volgende reden:{{else}}.{{end}}{{end}}</p>
{{with .Text}}{{template "quote" .}}{{end}}
'''+P+'''Heeft u later opnieuw een klacht, dien deze dan in via ons digitale klachtenformulier{{with .FormURL}}: <a href="{{.}}" style="color:#1f4e79;">{{.}}</a>{{end}}.</p>
{{template "howto" .}}{{end}}
''')

L['lapse']=('''{{define "subject"}}Uw klacht is vervallen{{end}}
{{define "text"}}{{template "salutation" .}}

Wij hebben u gevraagd uw klacht aan te vullen. Omdat wij de ontbrekende gegevens niet binnen twintig werkdagen{{if not .LapseDate.IsZero}} (uiterlijk {{date .LapseDate}}){{end}} hebben ontvangen, is uw klacht vervallen en nemen wij deze niet in behandeling.

Wilt u de klacht toch indienen? Dien deze dan opnieuw in via ons digitale klachtenformulier{{with .FormURL}} ({{.}}){{end}} en vul alle gevraagde gegevens in: bedrijfsnaam en adres, uw naam, telefoonnummer en bereikbaarheid, e-mailadres, de datum, de omschrijving van uw klacht en eventuele referentienummers.

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Wij hebben u gevraagd uw klacht aan te vullen. Omdat wij de ontbrekende gegevens niet binnen twintig werkdagen{{if not .LapseDate.IsZero}} (uiterlijk {{date .LapseDate}}){{end}} hebben ontvangen, is uw klacht vervallen en nemen wij deze niet in behandeling.</p>
'''+P+'''<strong>Wilt u de klacht toch indienen?</strong> Dien deze dan opnieuw in via ons digitale klachtenformulier{{with .FormURL}} (<a href="{{.}}" style="color:#1f4e79;">{{.}}</a>){{end}} en vul alle gevraagde gegevens in: bedrijfsnaam en adres, uw naam, telefoonnummer en bereikbaarheid, e-mailadres, de datum, de omschrijving van uw klacht en eventuele referentienummers.</p>{{end}}
''')

L['closed_reply']=('''{{define "subject"}}Uw klacht is al afgesloten{{end}}
{{define "text"}}{{template "salutation" .}}

Wij hebben uw bericht ontvangen, maar uw klacht{{with .Ref}} {{.}}{{end}} is al afgesloten. Wij nemen uw bericht daarom niet meer in behandeling; het is wel bewaard.

Heeft u een nieuwe klacht? Dien deze dan in via ons digitale klachtenformulier{{with .FormURL}}: {{.}}{{end}}.

Dit bericht ontvangt u eenmalig.

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Wij hebben uw bericht ontvangen, maar uw klacht{{with .Ref}} {{.}}{{end}} is al afgesloten. Wij nemen uw bericht daarom niet meer in behandeling; het is wel bewaard.</p>
'''+P+'''<strong>Heeft u een nieuwe klacht?</strong> Dien deze dan in via ons digitale klachtenformulier{{with .FormURL}}: <a href="{{.}}" style="color:#1f4e79;">{{.}}</a>{{end}}.</p>
'''+P+'''Dit bericht ontvangt u eenmalig.</p>{{end}}
''')

L['reassigned']=('''{{define "subject"}}Nieuwe behandelaar voor uw klacht{{end}}
{{define "text"}}{{template "salutation" .}}

Uw klacht wordt vanaf nu behandeld door {{or .Handler "een andere medewerker van de klachtenafhandeling"}}. De termijn verandert hierdoor niet: u ontvangt onze inhoudelijke reactie uiterlijk op {{date .EndDate}}.

{{template "howto" .}}

{{template "signature" .}}{{end}}
''','''{{define "body"}}{{template "salutation" .}}
'''+P+'''Uw klacht wordt vanaf nu behandeld door <strong>{{or .Handler "een andere medewerker van de klachtenafhandeling"}}</strong>. De termijn verandert hierdoor niet: u ontvangt onze inhoudelijke reactie uiterlijk op <strong>{{date .EndDate}}</strong>.</p>
{{template "howto" .}}{{end}}
''')

L['handler_assigned']=('''{{define "subject"}}Klacht aan u toegewezen: {{or .Complaint.Company "onbekend bedrijf"}}{{end}}
{{define "text"}}Klacht {{or .Ref none}} is aan u toegewezen{{with .Handler}} ({{.}}){{end}}{{with .Sender}} door {{.}}{{end}}. De indiener is op de hoogte gebracht.

Status: {{state .State}}
Ontvangen: {{date .Received}}
Einde behandeltermijn: {{date .EndDate}}
Uiterlijk een vertraging melden op: {{date .DelayLatest}}

{{template "fields" .}}

Verloop van het dossier:
{{range .Timeline}}- {{datetime .At}}: {{.What}}
{{else}}- {{none}}
{{end}}
{{template "howto_staff" .}}

{{template "commands" .}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Klacht aan u toegewezen</h1>
'''+P+'''Klacht <strong>{{or .Ref none}}</strong> is aan u toegewezen{{with .Handler}} ({{.}}){{end}}{{with .Sender}} door {{.}}{{end}}. De indiener is op de hoogte gebracht.</p>
'''+TB+'''
{{template "kv" (list "Status" (state .State))}}
{{template "kv" (list "Ontvangen" (date .Received))}}
{{template "kv" (list "Einde behandeltermijn" (date .EndDate))}}
{{template "kv" (list "Uiterlijk een vertraging melden op" (date .DelayLatest))}}
</table>
{{template "fields" .}}
'''+P+'''<strong>Verloop van het dossier</strong></p>
'''+TB+'''
{{range .Timeline}}{{template "kv" (list (datetime .At) .What)}}{{else}}{{template "kv" (list (none) "")}}{{end}}
</table>
{{template "howto_staff" .}}
{{template "commands" .}}{{end}}
''')

L['staff_notice']=('''{{define "subject"}}Melding van de klachtenmailbox{{with .Complaint.Company}}: {{.}}{{end}}{{end}}
{{define "text"}}{{or .Notice "Er is iets gebeurd dat u moet weten."}}
{{with .Text}}
{{template "quote" .}}
{{end}}
Wat te doen: {{or .Action "niets; dit bericht is ter informatie."}}
{{if .Ref}}
Klacht: {{.Ref}}{{with .Complaint.Company}} ({{.}}){{end}}
Behandelaar: {{or .Handler none}}
Status: {{state .State}}
Einde behandeltermijn: {{date .EndDate}}
{{end}}
{{if .Ref}}Een antwoord op deze e-mail met #notitie op de eerste regel wordt bij het dossier bewaard.{{end}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Melding van de klachtenmailbox</h1>
'''+P+'''{{or .Notice "Er is iets gebeurd dat u moet weten."}}</p>
{{with .Text}}{{template "quote" .}}{{end}}
'''+P+'''<strong>Wat te doen:</strong> {{or .Action "niets; dit bericht is ter informatie."}}</p>
{{if .Ref}}'''+TB+'''
{{template "kv" (list "Klacht" .Ref)}}
{{template "kv" (list "Bedrijf" (or .Complaint.Company none))}}
{{template "kv" (list "Behandelaar" (or .Handler none))}}
{{template "kv" (list "Status" (state .State))}}
{{template "kv" (list "Einde behandeltermijn" (date .EndDate))}}
</table>
'''+P+'''Een antwoord op deze e-mail met #notitie op de eerste regel wordt bij het dossier bewaard.</p>{{end}}{{end}}
''')

L['unknown_command']=('''{{define "subject"}}Onbekende opdracht{{with .Command}}: {{.}}{{end}}{{end}}
{{define "text"}}Uw bericht begon met de opdracht "{{or .Command none}}", maar die kent de klachtenmailbox niet. Er is niets uitgevoerd; uw bericht is wel bewaard.

Deze opdrachten zijn bekend:
{{range .Commands}}  {{.}}
{{else}}  #info, #vertraging N reden, #reactie, #notitie, #toewijzen naam, #bezwaar, #gesprek datum tijd [plaats], #verslag [opgelost|onopgelost], #sluiten reden, #ingetrokken
{{end}}
Stuur uw bericht opnieuw als antwoord op de e-mail over de klacht, met een juiste opdracht op de eerste regel. Zonder opdracht gaat uw tekst naar de indiener.

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Onbekende opdracht</h1>
'''+P+'''Uw bericht begon met de opdracht &ldquo;<span style="font-family:Consolas,Menlo,monospace;">{{or .Command none}}</span>&rdquo;, maar die kent de klachtenmailbox niet. Er is niets uitgevoerd; uw bericht is wel bewaard.</p>
'''+P+'''Deze opdrachten zijn bekend:</p>
<ul style="margin:0 0 14px 0;padding-left:22px;font-family:Consolas,Menlo,monospace;font-size:14px;">{{range .Commands}}<li>{{.}}</li>{{else}}<li>#info, #vertraging N reden, #reactie, #notitie, #toewijzen naam, #bezwaar, #gesprek datum tijd [plaats], #verslag [opgelost|onopgelost], #sluiten reden, #ingetrokken</li>{{end}}</ul>
'''+P+'''Stuur uw bericht opnieuw als antwoord op de e-mail over de klacht, met een juiste opdracht op de eerste regel. Zonder opdracht gaat uw tekst naar de indiener.</p>{{end}}
''')

L['command_refused']=('''{{define "subject"}}Opdracht niet uitgevoerd{{with .Command}}: {{.}}{{end}}{{end}}
{{define "text"}}De opdracht {{or .Command none}}{{with .Sender}} van {{.}}{{end}}{{with .Ref}} voor klacht {{.}}{{end}} is niet uitgevoerd.

Reden: {{or .Notice "onbekend"}}
Wat te doen: {{or .Action "stuur de opdracht opnieuw vanaf uw eigen adres als behandelaar of directie."}}

Het bericht is bewaard.{{with .Text}}

{{template "quote" .}}{{end}}

{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Opdracht niet uitgevoerd</h1>
'''+P+'''De opdracht <span style="font-family:Consolas,Menlo,monospace;">{{or .Command none}}</span>{{with .Sender}} van {{.}}{{end}}{{with .Ref}} voor klacht {{.}}{{end}} is niet uitgevoerd.</p>
'''+TB+'''
{{template "kv" (list "Reden" (or .Notice "onbekend"))}}
{{template "kv" (list "Wat te doen" (or .Action "stuur de opdracht opnieuw vanaf uw eigen adres als behandelaar of directie."))}}
</table>
'''+P+'''Het bericht is bewaard.</p>
{{with .Text}}{{template "quote" .}}{{end}}{{end}}
''')

L['alert']=('''{{define "subject"}}Let op: melding van de klachtenmailbox{{end}}
{{define "text"}}Wat er gebeurde: {{or .Notice "onbekend"}}

Wat te doen: {{or .Action "controleer de klachtenmailbox en het logboek van klachtd."}}
{{with .Text}}
Details:
{{template "quote" .}}
{{end}}{{if .Ref}}
Klacht: {{.Ref}}{{with .Complaint.Company}} ({{.}}){{end}}
Behandelaar: {{or .Handler none}}
{{end}}
{{template "staff_signature" .}}{{end}}
''',STAFF+'''{{define "body"}}'''+H+'''Let op: melding van de klachtenmailbox</h1>
'''+TB+'''
{{template "kv" (list "Wat er gebeurde" (or .Notice "onbekend"))}}
{{template "kv" (list "Wat te doen" (or .Action "controleer de klachtenmailbox en het logboek van klachtd."))}}
{{if .Ref}}{{template "kv" (list "Klacht" .Ref)}}
{{template "kv" (list "Behandelaar" (or .Handler none))}}{{end}}
</table>
{{with .Text}}'''+P+'''Details:</p>
{{template "quote" .}}{{end}}{{end}}
''')

for name,(txt,html) in L.items():
    open(f'letters/nl/{name}.txt.tmpl','w').write(txt)
    open(f'letters/nl/{name}.html.tmpl','w').write(html)
print(len(L))
