package parser

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
)

// replyClientCases are whole replies as the clients our complainants and
// handlers use write them (testdata/reply_clients/*.eml, written for this
// project after real mails; none copied from the corpora). Each goes
// through Parse: the text/plain part when there is one, else the HTML,
// then ReplyText or ReplyTextHTML, then ParseCommand. The HTML part of a
// multipart/alternative is also run through ReplyTextHTML on its own (a
// client that sends only HTML, or a relay that drops the plain part): it
// must give the same command and text, or html when set (HTML has no
// hard line wrapping and renders lists itself).
//
// Choices, as a complaints handler reading the relayed text wants them:
//   - a signature without "-- " (name, phone, e-mail, address) is the
//     writer's own text and stays: the handler may need the phone number;
//     "-- " signatures and "Verstuurd vanaf mijn iPhone"-style lines go;
//   - Outlook on the web's div#Signature is dropped in HTML (the earlier
//     choice in TestReplyTextHTML); Parse uses the plain part, which keeps it;
//   - an interleaved reply keeps the quoted questions it answers, but not
//     a quoted closing ("> Met vriendelijke groet") above the writer's own;
//   - "Label: value" lines in the new text (Datum/Aan/Onderwerp/Van) are
//     the writer's; only From with two more header fields, or two fields
//     that name an address or a machine date, make a quoted header block.
var replyClientCases = []struct {
	file, client, why string
	cmd               string // "#word args", "" for none
	want              string // Message.Reply
	html              string // ReplyTextHTML of the HTML part, when it differs from want
}{
	{"apple_macos_en", "Apple Mail macOS en",
		"older layout: 'On … wrote:' above a `>` quote; HTML blockquote type=cite",
		"", "Fine, thank you.\n\nJohn",
		""},
	{"apple_macos_nl", "Apple Mail macOS nl",
		"'Op … heeft … het volgende geschreven:' inside the quote",
		"", "Dat klopt. De lekkage is in de keuken, bij de afvoer van de vaatwasser.\n\nMet vriendelijke groet,\nSanne de Vries",
		""},
	{"bottom_gmail_en", "Gmail web en",
		"bottom-posted: the answer is inside div.gmail_quote, under the blockquote",
		"", "The leak is in the kitchen, under the sink. Tuesday is fine.\n\nJohn",
		""},
	{"colon_lines_gmail_nl", "Gmail web nl",
		"new text with 'Datum: … 14:30 / Aan: … / Onderwerp: …' lines: no From, so not a header block",
		"", "Hierbij de gegevens waar u om vroeg:\n\nDatum: 12-11-2026, rond 14:30\nAan: de achterkant van het huis (keukenraam)\nOnderwerp: lekkage na reparatie\nAdres: Kerkstraat 12, 3011 AB Rotterdam\n\nGroet,\nSanne",
		""},
	{"colon_lines_van_outlook_nl", "Outlook on the web nl",
		"new text with 'Van: de heer X / Datum: … 16:45': two fields without an address are not a header block",
		"", "Goedemiddag,\n\nUw collega heeft mij eerder gemaild:\nVan: de heer Pietersen\nDatum: 3 november 2026 om 16:45\nHij schreef dat de monteur binnen een week zou komen. Dat is niet gebeurd.\n\nSanne de Vries",
		""},
	{"empty_gmail_nl", "Gmail web nl",
		"nothing written above the quote",
		"", "",
		""},
	{"empty_iphone_nl", "iOS Mail nl",
		"only 'Verstuurd vanaf mijn iPhone' above the quote",
		"", "",
		""},
	{"gmail_mobile_en", "Gmail app en",
		"'On Mon, 23 Nov 2026, 10:12 Name, <addr>\nwrote:' wrapped before 'wrote:'",
		"", "OK, Tuesday works.",
		""},
	{"gmail_mobile_nl", "Gmail app nl",
		"'Op ma 23 nov. 2026 10:12 schreef … <…>:' without 'om'",
		"", "Klopt, de monteur mag dinsdag komen.",
		""},
	{"gmail_web_en", "Gmail web en",
		"'-- ' signature (gmail_signature) above 'On … <\naddr> wrote:'",
		"", "Hi,\n\nThe leak is in the bathroom ceiling. Tuesday after 2 pm is fine.\n\nThanks,\nJohn",
		""},
	{"gmail_web_nl", "Gmail web nl",
		"'Op ma 23 nov 2026 om 10:12 schreef … <' wrapped before the address",
		"", "Goedemorgen,\n\nHet adres is Kerkstraat 12, 3011 AB Rotterdam. Dinsdag ben ik de hele dag\nthuis.\n\nGroet,\nSanne",
		"Goedemorgen,\n\nHet adres is Kerkstraat 12, 3011 AB Rotterdam. Dinsdag ben ik de hele dag thuis.\n\nGroet,\nSanne"},
	{"handler_delay_owa_en", "Outlook on the web en (handler)",
		"'#delay 5 reason' on the first line, then sign-off, then the Outlook block",
		"#delay 5 waiting for the plumber's report", "Regards,\nJan",
		""},
	{"handler_info_iphone", "iOS Mail nl (handler)",
		"'#info question' and nothing else above the mobile signature",
		"#info Wat is uw huisnummer en toevoeging?", "",
		""},
	{"handler_notitie_thunderbird", "Thunderbird nl (handler)",
		"'#notitie …' above a '-- ' signature and a `>` quote",
		"#notitie klant gebeld, komt dinsdag langs op kantoor", "",
		""},
	{"handler_reactie_apple_datum", "Apple Mail nl (handler)",
		"#reactie whose letter has 'Datum: … 09:00 / Adres / Onderwerp:' lines: all kept",
		"#reactie", "Geachte mevrouw De Vries,\n\nWij komen de lekkage herstellen:\n\nDatum: dinsdag 1 december 2026 om 09:00\nAdres: Kerkstraat 12, 3011 AB Rotterdam\nOnderwerp: herstel lekkage badkamer\n\nMet vriendelijke groet,\nJan Bakker",
		""},
	{"handler_reactie_gmail", "Gmail web nl (handler)",
		"bold #reactie: '*#reactie*' in text/plain, <b> in HTML",
		"#reactie", "Geachte mevrouw De Vries,\n\nWij komen op dinsdag 1 december tussen 9:00 en 12:00 langs om de lekkage\nte verhelpen.\n\nMet vriendelijke groet,\nJan Bakker",
		"Geachte mevrouw De Vries,\n\nWij komen op dinsdag 1 december tussen 9:00 en 12:00 langs om de lekkage te verhelpen.\n\nMet vriendelijke groet,\nJan Bakker"},
	{"handler_reactie_outlook_bold_html", "Outlook desktop nl (handler), HTML only",
		"<p class=MsoNormal><b><span>#reactie</span></b>",
		"#reactie", "Geachte mevrouw De Vries,\n\nNa onderzoek erkennen wij dat de reparatie van 12 november niet goed is uitgevoerd. Wij vergoeden de kosten van het herstel (€ 185,00) en de monteur komt op dinsdag 1 december om 9:00 terug.\n\nMet vriendelijke groet,\n\nJan Bakker\nKlachtbehandelaar",
		""},
	{"handler_reactie_owa_html", "Outlook on the web nl (handler), HTML only",
		"<div><b>#reactie</b></div> then <p> paragraphs",
		"#reactie", "Geachte mevrouw De Vries,\n\nWij hebben uw klacht onderzocht. U krijgt de kosten van de loodgieter terug.\n\nMet vriendelijke groet,\nJan Bakker",
		""},
	{"handler_reactie_zwsp_html", "Outlook on the web nl (handler), HTML only",
		"a zero-width space in front of #reactie",
		"#reactie", "Geachte mevrouw De Vries,\n\nWij vergoeden de kosten.",
		""},
	{"handler_vertraging_outlook_nl", "Outlook desktop nl (handler)",
		"'#vertraging 5 reden', signature with phone and e-mail, Van: block",
		"#vertraging 5 wij wachten op het rapport van de loodgieter", "Met vriendelijke groet,\n\nJan Bakker\nKlachtbehandelaar | Ingressus B.V.\nT 010 123 45 67 | jan.bakker@ingressus.nl",
		""},
	{"inline_gmail_html_nl", "Gmail web nl",
		"answers between the quoted questions; the plain part keeps the writer's own double blank lines",
		"", "Zie mijn antwoorden hieronder.\n\n> 1. Op welk adres is de lekkage?\n\nKerkstraat 12, 3011 AB Rotterdam.\n\n\n> 2. Wanneer bent u thuis?\n\nDinsdag.",
		"Zie mijn antwoorden hieronder.\n\n> 1. Op welk adres is de lekkage?\n\nKerkstraat 12, 3011 AB Rotterdam.\n\n> 2. Wanneer bent u thuis?\n\nDinsdag."},
	{"inline_thunderbird_nl", "Thunderbird nl",
		"answers between quoted questions; the quoted closing above the writer's 'Groet, Sanne' is not an answered passage",
		"", "> Geachte mevrouw De Vries,\n>\n> Wij hebben uw klacht ontvangen onder nummer KL-2026-0042.\n>\n> 1. Op welk adres is de lekkage?\n\nKerkstraat 12, 3011 AB Rotterdam (de bovenwoning).\n\n> 2. Wanneer bent u thuis?\n\nDinsdag en donderdag, na 17:00 ook op andere dagen.\n\nGroet,\nSanne",
		""},
	{"iphone_en", "iOS Mail en",
		"'Sent from my iPhone' above 'On … wrote:' inside the quote",
		"", "Perfect, see you Tuesday 👍",
		""},
	{"iphone_nl", "iOS Mail nl",
		"'Verstuurd vanaf mijn iPhone', BOM in the quote",
		"", "Dinsdag ben ik thuis, de hele dag.",
		""},
	{"kpn_webmail_nl", "KPN/Ziggo webmail (Open-Xchange) nl",
		"'Op 23-11-2026 10:12, schreef … <…>:' inside a blockquote type=cite",
		"", "Goedendag,\n\nDe schade is in de woonkamer. Maandag ben ik niet thuis.\n\nMet vriendelijke groet,\nSanne de Vries",
		""},
	{"long_lists_gmail_nl", "Gmail web nl",
		"long reply with a numbered and a bulleted list, 'Op 19 november om 14:30 heb ik …' sentence, address signature",
		"", "Geachte heer/mevrouw,\n\nHierbij mijn antwoorden en nog wat aanvullingen.\n\nSinds de reparatie op 12 november zijn er deze problemen:\n1. De lekkage in de badkamer is terug, vooral na het douchen.\n2. Er zit schimmel op het plafond van de slaapkamer.\n3. De afvoer van de wastafel loopt langzaam weg.\n\nIk heb het volgende bewaard:\n* foto's van het plafond (12 en 19 november)\n* de factuur van de loodgieter (€ 185,00)\n* de e-mail van uw collega van 3 november\n\nOp 19 november om 14:30 heb ik uw klantenservice gebeld. Daar werd gezegd\ndat iemand mij zou terugbellen; dat is niet gebeurd.\n\nIk ben op dinsdag en donderdag de hele dag thuis.\n\nMet vriendelijke groet,\n\nSanne de Vries\nKerkstraat 12\n3011 AB Rotterdam\n06-12345678",
		"Geachte heer/mevrouw,\n\nHierbij mijn antwoorden en nog wat aanvullingen.\n\nSinds de reparatie op 12 november zijn er deze problemen:\n\n1. De lekkage in de badkamer is terug, vooral na het douchen.\n2. Er zit schimmel op het plafond van de slaapkamer.\n3. De afvoer van de wastafel loopt langzaam weg.\n\nIk heb het volgende bewaard:\n\n- foto's van het plafond (12 en 19 november)\n- de factuur van de loodgieter (€ 185,00)\n- de e-mail van uw collega van 3 november\n\nOp 19 november om 14:30 heb ik uw klantenservice gebeld. Daar werd gezegd dat iemand mij zou terugbellen; dat is niet gebeurd.\n\nIk ben op dinsdag en donderdag de hele dag thuis.\n\nMet vriendelijke groet,\n\nSanne de Vries\nKerkstraat 12\n3011 AB Rotterdam\n06-12345678"},
	{"new_outlook_en", "new Outlook for Windows en",
		"appendonsend + divRplyFwdMsg; underscores + From/Sent/To/Subject",
		"", "Good afternoon,\n\nI have attached two photos of the damage.\n\nKind regards,\nJohn Smith",
		""},
	{"outlook_2010_nl", "Outlook 2010 nl",
		"'-----Oorspronkelijk bericht-----', 'Van: … [mailto:…]', iso-8859-1",
		"", "Geachte heer/mevrouw,\n\nIk ben vóór 12:00 thuis, behalve op woensdag. Het gaat om de flat aan de Kerkstraat 12-III.\n\nMet vriendelijke groet,\nS. de Vries",
		""},
	{"outlook_365_en_html_only", "Outlook 365 en, HTML only",
		"HTML path of Parse: appendonsend, hr, divRplyFwdMsg",
		"", "Hello,\n\nThe leak is in the kitchen. Any weekday after 5 pm works for me.\n\nThanks,\nJohn",
		""},
	{"outlook_365_nl", "Outlook 365 nl",
		"elementToProof divs, divRplyFwdMsg; underscores + Van: block",
		"", "Beste meneer/mevrouw,\n\nDe lekkage zit in de badkamer op de eerste verdieping. U kunt dinsdag 1 december tussen 9:00 en 12:00 langskomen.\n\nGroeten,\nSanne",
		""},
	{"outlook_android_en", "Outlook for Android en",
		"'Get Outlook for Android<…>' above the underscores",
		"", "Yes, that's right. The leak is back since yesterday.",
		""},
	{"outlook_desktop_en", "Outlook desktop en",
		"From/Sent/To/Cc/Subject without a separator; signature with phone and e-mail lines kept",
		"", "Hi,\n\nThe address is 12 Church Street, Rotterdam. I am at home on Tuesdays.\n\nBest regards,\nJohn Smith\nMobile: +31 6 1234 5678\njohn.smith@example.com",
		""},
	{"outlook_desktop_list_nl", "Outlook desktop nl",
		"Word list paragraphs (MsoListParagraph, <![if !supportLists]>)",
		"", "Goedemiddag,\n\nMijn antwoorden:\n\n  1.  Kerkstraat 12, 3011 AB Rotterdam\n  2.  Dinsdag of donderdag\n\nMet vriendelijke groet,\nSanne de Vries",
		"Goedemiddag,\n\nMijn antwoorden:\n\n1. Kerkstraat 12, 3011 AB Rotterdam\n2. Dinsdag of donderdag\n\nMet vriendelijke groet,\nSanne de Vries"},
	{"outlook_desktop_nl", "Outlook desktop nl",
		"Word HTML with the border-top header div; Van/Verzonden/Aan/Onderwerp without separator",
		"", "Goedemiddag,\n\nHet adres is Kerkstraat 12, 3011 AB Rotterdam. Ik ben dinsdag en donderdag de hele dag thuis, op andere dagen na 17:00.\n\nMet vriendelijke groet,\n\nSanne de Vries\n06-12345678",
		""},
	{"outlook_from_block_en", "Outlook desktop en, plain only",
		"From block with a To value wrapped over two lines",
		"", "Hello,\n\nPlease find my answers below the line... no wait, here they are:\nthe address is 12 Church Street and I am home after 5 pm.\n\nJohn Smith",
		""},
	{"outlook_ios_nl", "Outlook for iOS nl",
		"'Outlook voor iOS<…> downloaden', ms-outlook-mobile-signature",
		"", "Prima, dinsdag is goed.",
		""},
	{"outlook_mac_nl", "Outlook for Mac nl",
		"Van/Datum/Aan/Onderwerp, mail-editor-reference-message-container",
		"", "Hallo,\n\nIk stuur morgen de foto's.\n\nGroet,\nSanne",
		"Hallo,\n\nIk stuur morgen de foto’s.\n\nGroet,\nSanne"},
	{"outlook_original_message_en", "Outlook en, plain only",
		"'-----Original Message-----'",
		"", "Thanks for your quick answer. Tuesday morning is fine.\n\nJohn",
		""},
	{"outlook_web_nl", "Outlook on the web nl",
		"div#Signature: dropped in HTML (existing choice), kept in the plain part that Parse uses",
		"", "Goedemiddag,\n\nIk heb foto's van de schade. Zal ik die naar dit adres sturen?\n\nMet vriendelijke groet,\nSanne de Vries",
		"Goedemiddag,\n\nIk heb foto's van de schade. Zal ik die naar dit adres sturen?"},
	{"proton_en", "Proton Mail en",
		"'Sent with Proton Mail secure email.', protonmail_quote",
		"", "Thanks, Tuesday works for me.",
		""},
	{"proton_nl", "Proton Mail nl",
		"user signature kept, 'Verzonden met Proton Mail beveiligde e-mail.' dropped, '…, Name <addr> schreef:'",
		"", "Goedemiddag,\n\nIk ben dinsdag en woensdag thuis.\n\nSanne de Vries\nKerkstraat 12, Rotterdam",
		""},
	{"roundcube_en_bottom", "Roundcube en",
		"bottom-posted under 'On 2026-11-23 10:12, Name wrote:'",
		"", "Hello,\n\nThe address is 12 Church Street. I am home on Tuesday.\n\nJohn",
		""},
	{"roundcube_nl", "Roundcube nl",
		"'-- ' signature, 'Op 2026-11-23 10:12, schreef Name:'",
		"", "Goedemiddag,\n\nHet adres is Kerkstraat 12. Ik ben dinsdag thuis.\n\nGroet,\nSanne",
		""},
	{"samsung_en", "Samsung Email en",
		"'Sent from my Galaxy', '-------- Original message --------', base64",
		"", "Thanks, I'll be home.",
		""},
	{"samsung_nl", "Samsung Email nl",
		"'Verzonden vanaf mijn Galaxy', '-------- Oorspronkelijk bericht --------', base64",
		"", "Dank u, dinsdag is goed.",
		""},
	{"thunderbird_en_top", "Thunderbird en",
		"top-posted with the '-- ' signature (div.moz-signature) above the quote",
		"", "Hello,\n\nThe leak is back. Please send someone this week.\n\nRegards,\nJohn",
		""},
	{"thunderbird_nl_bottom", "Thunderbird nl",
		"bottom-posted, format=flowed, pre.moz-signature",
		"", "Het adres is Kerkstraat 12, 3011 AB Rotterdam. Ik ben dinsdag thuis, woensdag alleen 's ochtends.\n\nGroet,\nSanne",
		""},
	{"told_colleague_apple_nl", "Apple Mail nl",
		"the writer's own 'Op 19-11-2026 om 14:30 schreef uw collega mij:' is not a quote header",
		"", "Goedemiddag,\n\nOp 19-11-2026 om 14:30 schreef uw collega mij:\n\nWij sturen deze week een monteur.\n\nEr is niemand gekomen. Graag een nieuwe afspraak.\n\nSanne",
		""},
	{"windows_mail_nl", "Mail voor Windows nl, plain only",
		"'Verzonden vanuit Mail voor Windows' above a Van: block without addresses",
		"", "Beste,\n\nDe monteur mag komen.",
		""},
	{"yahoo_en", "Yahoo Mail iOS en",
		"'Sent from Yahoo Mail for iPhone', unquoted history",
		"", "Yes, Tuesday after 2pm.",
		""},
	{"yahoo_nl", "Yahoo Mail web nl",
		"indented attribution, unquoted indented history, yahoo_quoted",
		"", "Prima, dinsdag is goed. Ik ben er vanaf 8 uur.\n\nGroet, Sanne",
		""},
	{"ziggo_webmail_nl_html_only", "Ziggo webmail nl, HTML only",
		"attribution outside the blockquote",
		"", "Beste mensen,\n\nJa, de monteur mag komen. Bel even aan bij de buren als ik niet open doe.\n\nGroet, Sanne",
		""},
	{"zimbra_nl", "Zimbra webmail nl",
		"'----- Oorspronkelijk bericht -----', Van/Aan/Verzonden/Onderwerp, hr#zwchr",
		"", "Geachte heer, mevrouw,\n\nIk heb de monteur niet gezien. Graag een nieuwe afspraak.\n\nVriendelijke groet,\nSanne de Vries",
		""},
}

func TestReplyClients(t *testing.T) {
	files, err := filepath.Glob("testdata/reply_clients/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range replyClientCases {
		listed[c.file] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".eml"); !listed[name] {
			t.Errorf("%s: add it to replyClientCases", f)
		}
	}
	for _, c := range replyClientCases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata/reply_clients", c.file+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw, Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.Kind != KindReply {
				t.Fatalf("kind %q, want reply (%s: %s)", m.Kind, c.client, c.why)
			}
			if got := replyClientCmd(m.Command); got != c.cmd {
				t.Errorf("command %q, want %q (%s: %s)", got, c.cmd, c.client, c.why)
			}
			if m.Reply != c.want {
				t.Errorf("reply (%s: %s)\n got: %q\nwant: %q", c.client, c.why, m.Reply, c.want)
			}
			replyClientNoHistory(t, "reply", m.Reply)

			htm := replyClientHTMLPart(t, raw)
			if htm == "" {
				return
			}
			cmd, text := ParseCommand(ReplyTextHTML(htm))
			want := c.want
			if c.html != "" {
				want = c.html
			}
			if got := replyClientCmd(cmd); got != c.cmd {
				t.Errorf("HTML part: command %q, want %q (%s: %s)", got, c.cmd, c.client, c.why)
			}
			if got := strings.TrimSpace(text); got != want {
				t.Errorf("HTML part (%s: %s)\n got: %q\nwant: %q", c.client, c.why, got, want)
			}
			replyClientNoHistory(t, "HTML part", text)
		})
	}
}

func replyClientCmd(c *Command) string {
	if c == nil {
		return ""
	}
	return strings.TrimSpace("#" + c.Word + " " + c.Args)
}

// replyClientNoHistory checks that nothing of the letters the fixtures
// quote (their closing lines, the relay's footer, the header blocks)
// reached the reply text.
func replyClientNoHistory(t *testing.T, what, s string) {
	t.Helper()
	for _, h := range []string{"Postbus 1234", "PO Box 1234", "Antwoord op dit bericht", "klachten@ingressus.nl",
		"complaints@ingressus.nl", "Onderwerp: [KL", "Subject: [KL", "schreef Ingressus", "Ingressus Complaints wrote"} {
		if strings.Contains(s, h) {
			t.Errorf("%s holds quoted history %q: %q", what, h, s)
		}
	}
}

// replyClientHTMLPart returns the decoded text/html part of a
// multipart/alternative message ("" when the message has no text/plain
// part too: Parse then uses the HTML itself).
func replyClientHTMLPart(t *testing.T, raw []byte) string {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		t.Fatalf("read message: %v", err)
	}
	var plain, htm bool
	var out string
	_ = e.Walk(func(_ []int, p *message.Entity, _ error) error {
		if p.MultipartReader() != nil {
			return nil
		}
		ct, _, _ := p.Header.ContentType()
		b, _ := io.ReadAll(p.Body)
		switch ct {
		case "text/plain":
			plain = true
		case "text/html":
			htm, out = true, string(b)
		}
		return nil
	})
	if !plain || !htm {
		return ""
	}
	return out
}

// TestReplyClientsEdges pins the smaller cases found while writing the
// fixtures above.
func TestReplyClientsEdges(t *testing.T) {
	plain := []struct{ name, in, want string }{
		{"writer tells what a colleague wrote, en",
			"On 12/11/2026 at 14:30 your colleague wrote:\n\nWe will come on Tuesday.\n\nNobody came.\n",
			"On 12/11/2026 at 14:30 your colleague wrote:\n\nWe will come on Tuesday.\n\nNobody came."},
		{"writer tells what the plumber wrote, nl",
			"Op 19-11-2026 om 14:30 schreef de monteur:\n\nIk kom morgen.\n\nHij kwam niet.",
			"Op 19-11-2026 om 14:30 schreef de monteur:\n\nIk kom morgen.\n\nHij kwam niet."},
		{"thunderbird header over unquoted history still cuts",
			"Dank u.\n\nOp 23-11-2026 om 10:12 schreef Ingressus Klachten:\n\nOude tekst\n", "Dank u."},
		{"apple header without address over unquoted history still cuts",
			"Fine.\n\nOn 23 Nov 2026, at 10:12, Ingressus Complaints wrote:\n\nOld text\n", "Fine."},
		{"two fields with an address are a block",
			"Ok\n\nFrom: bob@example.com\nDate: Wed, 16 May 2012 00:15:02 -0600\n\nOld\n", "Ok"},
		{"machine date and To are a block",
			"Ok\n\nDate: Wed, 16 May 2012 00:15:02 -0600\nTo: bob\n\nOld\n", "Ok"},
		{"full Dutch block without addresses",
			"Ok\n\nVan: Ingressus Klachten\nVerzonden: maandag 23 november 2026 10:12\nAan: Sanne\nOnderwerp: x\n\nOud\n", "Ok"},
		{"Van and Datum of the writer's own",
			"Zij mailde:\nVan: mevrouw Jansen\nDatum: 3 november 2026 om 16:45\nDat klopt niet.", "Zij mailde:\nVan: mevrouw Jansen\nDatum: 3 november 2026 om 16:45\nDat klopt niet."},
		{"Datum with time, Aan and Onderwerp of the writer's own",
			"Datum: 12-11-2026 om 14:30\nAan: de voordeur\nOnderwerp: lekkage\n\nGroet", "Datum: 12-11-2026 om 14:30\nAan: de voordeur\nOnderwerp: lekkage\n\nGroet"},
		{"quoted closing above the writer's closing is not an answer",
			"> Adres?\n\nKerkstraat 12\n\n> Wanneer?\n\nDinsdag\n\n> Met vriendelijke groet,\n> Ingressus Klachten\n\nGroet,\nSanne",
			"> Adres?\n\nKerkstraat 12\n\n> Wanneer?\n\nDinsdag\n\nGroet,\nSanne"},
		{"empty quoted lines at the end of a kept quote",
			"> Adres?\n>\n>\n\nKerkstraat 12\n\n> Wanneer?\n>\n\nDinsdag\n", "> Adres?\n\nKerkstraat 12\n\n> Wanneer?\n\nDinsdag"},
	}
	for _, tt := range plain {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReplyText(tt.in); got != tt.want {
				t.Errorf("ReplyText(%q)\n got: %q\nwant: %q", tt.in, got, tt.want)
			}
		})
	}
	htm := []struct{ name, in, want string }{
		{"gmail bottom-posted",
			`<div dir="ltr"><br></div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Op ma 23 nov 2026 om 10:12 schreef X &lt;x@example.nl&gt;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Vraag?</blockquote><div><br></div><div>Antwoord.</div><br><span class="gmail_signature_prefix">-- </span><br><div class="gmail_signature">Sanne</div></div>`,
			"Antwoord."},
		{"gmail quote with only a signature under it stays dropped",
			`<div>Ja.</div><div class="gmail_quote"><div class="gmail_attr">Op ma 23 nov 2026 om 10:12 schreef X &lt;x@example.nl&gt;:</div><blockquote class="gmail_quote">Vraag?</blockquote><div class="gmail_signature">Jan</div></div>`,
			"Ja."},
		{"numbered list", `<div>Punten:</div><ol><li>een</li><li>twee</li></ol><div>Groet</div>`, "Punten:\n\n1. een\n2. twee\n\nGroet"},
		{"numbered list with start", `<ol start="3"><li>drie</li><li>vier</li></ol>`, "3. drie\n4. vier"},
		{"nested list", `<ol><li>een<ul><li>a</li><li>b</li></ul></li><li>twee</li></ol>`, "1. een\n- a\n- b\n2. twee"},
		{"word list paragraphs", `<p class=MsoNormal>Punten:<o:p></o:p></p><p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>1.<span>&nbsp;&nbsp;&nbsp; </span></span><![endif]>een<o:p></o:p></p><p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>2.<span>&nbsp;&nbsp;&nbsp; </span></span><![endif]>twee<o:p></o:p></p>`,
			"Punten:\n1. een\n2. twee"},
	}
	for _, tt := range htm {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReplyTextHTML(tt.in); got != tt.want {
				t.Errorf("ReplyTextHTML(%q)\n got: %q\nwant: %q", tt.in, got, tt.want)
			}
		})
	}
	cmds := []struct{ name, in, cmd, text string }{
		{"byte order mark", "\ufeff#reactie\nTekst", "#reactie", "Tekst"},
		{"zero-width space", "\u200b#reactie\nTekst", "#reactie", "Tekst"},
		{"direction mark and args", "\u200e#info wat is uw adres?\u200b", "#info wat is uw adres?", ""},
		{"invisible line first", "\u200b\n#notitie gebeld", "#notitie gebeld", ""},
	}
	for _, tt := range cmds {
		t.Run(tt.name, func(t *testing.T) {
			c, text := ParseCommand(tt.in)
			if got := replyClientCmd(c); got != tt.cmd || text != tt.text {
				t.Errorf("ParseCommand(%q) = %q, %q; want %q, %q", tt.in, got, text, tt.cmd, tt.text)
			}
		})
	}
}
