package reply

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // the talon .eml files are iso-8859-1, utf-8 base64 …
	"golang.org/x/net/html"
)

var updateReplies = flag.Bool("update-replies", false, "rewrite parser/reply/testdata/replies/*.golden")

// replyCorpus is the public reply-parser suites (see corpora/README.md).
const replyCorpus = "../../../shared/corpora/replies"

// TestReplyText pins the plain-text cases we care about most: Dutch and
// English clients as our complainants and handlers use them.
func TestReplyText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only text", "Hallo,\n\nDank u.\n", "Hallo,\n\nDank u."},
		{"crlf and trailing space", "Hallo  \r\n\r\nDank u. \r\n\r\n", "Hallo\n\nDank u."},
		{"gmail nl", "Het adres is Kerkstraat 12.\n\nOp ma 23 nov. 2026 om 10:12 schreef Ingressus Klachten <klachten@ingressus.nl>:\n\n> Wilt u uw adres doorgeven?\n",
			"Het adres is Kerkstraat 12."},
		{"gmail nl header over two lines", "Ja.\n\nOp ma 23 nov. 2026 om 10:12 schreef Ingressus Klachten <\nklachten+kl42@ingressus.nl>:\n\n> Klopt dit?\n",
			"Ja."},
		{"gmail en", "Yes.\n\nOn Mon, Nov 23, 2026 at 10:12 AM Ingressus Complaints <complaints@ingressus.nl> wrote:\n\n> Is this right?\n",
			"Yes."},
		{"apple mail nl", "Dat klopt.\n\n> Op 23 nov. 2026 om 10:12 heeft Ingressus Klachten <klachten@ingressus.nl> het volgende geschreven:\n>\n> Klopt dit?\n",
			"Dat klopt."},
		{"apple mail nl, header unquoted", "Dat klopt.\n\nOp 23 nov. 2026, om 10:12 heeft Ingressus Klachten <klachten@ingressus.nl> het volgende geschreven:\n\n> Klopt dit?\n",
			"Dat klopt."},
		{"apple mail en, history unquoted", "Fine.\n\nOn 23 Nov 2026, at 10:12, Ingressus <complaints@ingressus.nl> wrote:\n\nIs this right?\n",
			"Fine."},
		{"thunderbird nl", "Akkoord.\n\nOp 23-11-2026 om 10:12 schreef Ingressus Klachten:\n> Klopt dit?\n", "Akkoord."},
		{"thunderbird en bottom", "On 23/11/2026 10:12, Ingressus wrote:\n> Is this right?\n\nYes it is.\n", "Yes it is."},
		{"iphone nl", "Prima\n\nVerstuurd vanaf mijn iPhone\n\n> Op 23 nov. 2026 om 10:12 heeft X <x@example.nl> het volgende geschreven:\n>\n> Vraag\n", "Prima"},
		{"iphone nl no quote", "Prima\n\nVerzonden vanaf mijn iPhone", "Prima"},
		{"ipad", "Prima\n\nVerstuurd vanaf mijn iPad\n", "Prima"},
		{"android", "Prima\n\nSent from my Android\n", "Prima"},
		{"outlook ios", "Prima\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n", "Prima"},
		{"outlook ios nl", "Prima\n\nOutlook voor iOS downloaden<https://aka.ms/o0ukef>\n", "Prima"},
		{"sent from in a sentence", "Hallo\n\nSent from my desk, which is easier.", "Hallo\n\nSent from my desk, which is easier."},
		{"outlook nl", "Beste Sanne,\n\nDe monteur komt dinsdag.\n\nMet vriendelijke groet,\nJan Bakker\n\n________________________________\nVan: Sanne de Vries <sanne@example.nl>\nVerzonden: maandag 23 november 2026 10:12\nAan: klachten@ingressus.nl\nOnderwerp: Re: [KL-2026-0042] Lekkage\n\nGoedemorgen,\n",
			"Beste Sanne,\n\nDe monteur komt dinsdag.\n\nMet vriendelijke groet,\nJan Bakker"},
		{"outlook nl without underscores", "Dank u.\n\nVan: Sanne de Vries <sanne@example.nl>\nVerzonden: maandag 23 november 2026 10:12\nAan: klachten@ingressus.nl\nOnderwerp: Lekkage\n\nGoedemorgen,\n",
			"Dank u."},
		{"outlook nl with Datum and Cc", "Dank u.\n\nVan: Sanne\nDatum: 23 november 2026 om 10:12:00\nAan: klachten@ingressus.nl\nCc: jan@example.nl\nOnderwerp: Lekkage\n\nOud\n",
			"Dank u."},
		{"outlook en bold", "Thanks\n\n*From:* Sanne <sanne@example.nl>\n*Sent:* Monday, November 23, 2026 10:12 AM\n*To:* complaints@ingressus.nl\n*Subject:* Leak\n\nOld\n",
			"Thanks"},
		{"outlook with dashes line", "Thanks\n\n\n ------------------------------\n\n*From:* A\n*Sent:* Monday\n*To:* b\n*Subject:* c\n\nOld\n",
			"Thanks"},
		{"original message", "Dank u.\n\n-----Original Message-----\nFrom: a\nOld\n", "Dank u."},
		{"oorspronkelijk bericht", "Dank u.\n\n-------- Oorspronkelijk bericht --------\nVan: a\nOud\n", "Dank u."},
		{"oorspronkelijk bericht outlook", "Dank u.\n\n-----Oorspronkelijk bericht-----\nVan: a\nOud\n", "Dank u."},
		{"original message android", "Ok\n\n-------- Original message --------\nFrom: a\nDate: b\nOld\n", "Ok"},
		{"forwarded", "Zie hieronder.\n\n---------- Doorgestuurd bericht ---------\nVan: a <a@example.nl>\nDatum: ma 23 nov. 2026\nOnderwerp: x\n\nOude tekst\n",
			"Zie hieronder."},
		{"begin forwarded", "See below.\n\nBegin forwarded message:\n\nFrom: a\nOld\n", "See below."},
		// A mail that is nothing but a forward keeps it: otherwise nothing
		// at all would be relayed.
		{"pure forward", "Begin doorgestuurd bericht:\n\nVan: a <a@example.nl>\nOnderwerp: x\n\nDe tekst\n",
			"Begin doorgestuurd bericht:\n\nVan: a <a@example.nl>\nOnderwerp: x\n\nDe tekst"},
		{"signature", "Dank u.\n\n-- \nJan Bakker\nTel. 010 123 4567\n", "Dank u."},
		{"signature trimmed", "Dank u.\n\n--\nJan Bakker\n", "Dank u."},
		{"signature then quote", "Dank u.\n-- \nJan\n\nOp 23-11-2026 om 10:12 schreef X:\n> Vraag\n", "Dank u."},
		{"dashes in a sentence", "Dit -- zeg maar -- is tekst.\n", "Dit -- zeg maar -- is tekst."},
		// Choice (github/email_reply_parser hides "-Name" as a signature;
		// crisp keeps it): a sign-off name is the writer's own text and the
		// reader wants to know who wrote; only "-- " starts a signature.
		{"sign-off dash name kept", "Ok, graag.\n\n-Sanne\n", "Ok, graag.\n\n-Sanne"},
		{"reply wraps quote", "Ja.\n\nOp 23-11-2026 om 10:12 schreef X:\n\n> Vraag\n\nGroet, Sanne\n", "Ja.\n\nGroet, Sanne"},
		// An interleaved reply keeps the questions it answers; without them
		// "Kerkstraat 12" and "Na vijf uur" mean nothing to the handler.
		{"interleaved", "Op 23-11-2026 om 10:12 schreef Ingressus Klachten <klachten@ingressus.nl>:\n> Wat is uw adres?\n\nKerkstraat 12\n\n> Wanneer bent u bereikbaar?\n\nNa vijf uur\n\n> Met vriendelijke groet,\n> Jan\n",
			"> Wat is uw adres?\n\nKerkstraat 12\n\n> Wanneer bent u bereikbaar?\n\nNa vijf uur"},
		// A complainant's "Label: value" lines are not an Outlook block.
		{"fields with Onderwerp kept", "Hierbij:\nNaam: Sanne\nDatum: 12-11-2026\nOnderwerp: lekkage\n\nGroet", "Hierbij:\nNaam: Sanne\nDatum: 12-11-2026\nOnderwerp: lekkage\n\nGroet"},
		{"date-led header block", "Ok\n\nGesendet: Montag, 23. November 2026 um 10:12 Uhr\nVon: a@example.de\nAn: b@example.de\nBetreff: x\n\nalt", "Ok"},
		{"fields kept", "Naam: Sanne de Vries\nDatum: 12-11-2026\nAdres: Kerkstraat 12\n", "Naam: Sanne de Vries\nDatum: 12-11-2026\nAdres: Kerkstraat 12"},
		// New text that starts like a header is not one.
		// Review #9: no time, no address, a name with parentheses.
		{"nl header with date only and a name in parentheses", "Bedankt, ik pak het op.\n\nOp 1 dec 2026 schreef Marieke de Vries (Ingressus):\n> Wilt u dit oppakken?\n",
			"Bedankt, ik pak het op."},
		{"en header with date only", "Thanks.\n\nOn 1 Dec 2026, Marieke de Vries (Ingressus) wrote:\n\n> Could you look into this?\n",
			"Thanks."},
		{"writer's own date-only sentence above a quote stays", "Op 12 mei 2026 schreef uw collega:\n> Wij komen langs.\n\nDat is niet gebeurd.\n",
			"Op 12 mei 2026 schreef uw collega:\nDat is niet gebeurd."},
		{"sentence starting with Op", "Op 12 mei heb ik uw winkel bezocht. Uw medewerker schreef:\n> Wij komen langs.\n\nDat is niet gebeurd.\n",
			"Op 12 mei heb ik uw winkel bezocht. Uw medewerker schreef:\nDat is niet gebeurd."},
		{"date sentence with colon before a quote", "Op 12 mei om 10:00 zei uw monteur:\n> Wij komen dinsdag.\n\nHij kwam niet.", "Op 12 mei om 10:00 zei uw monteur:\nHij kwam niet."},
		{"wrote sentence without time", "Op 12 mei 2026 schreef uw collega:\n\n'Wij komen dinsdag.'\n\nNiemand kwam.", "Op 12 mei 2026 schreef uw collega:\n\n'Wij komen dinsdag.'\n\nNiemand kwam."},
		{"short underscore divider", "Punt een\n__________\nPunt twee", "Punt een\n__________\nPunt twee"},
		{"short underscore before header", "Ok\n__________\nVan: a\nAan: b\n\nOud", "Ok"},
		{"On in text", "On Monday the plumber came.\nOn Tuesday he left.\n", "On Monday the plumber came.\nOn Tuesday he left."},
		{"quote header shares line", "ok--- On Wed, Apr 4, 2012 at 3:59 PM, a@example.com wrote:\n> Hi\n", "ok"},
		{"underscore separator", "Ok\n________________________________\nVan: a\n", "Ok"},
		{"hash command kept", "#reactie\nGeachte mevrouw,\n\nOp 23-11-2026 om 10:12 schreef X:\n> Vraag\n", "#reactie\nGeachte mevrouw,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestReplyTextHTML pins HTML replies from the clients we meet.
func TestReplyTextHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "<p>Hallo &amp; dank&nbsp;u.</p><p>Groet,<br>Sanne</p>", "Hallo & dank u.\n\nGroet,\nSanne"},
		{"gmail nl", `<div dir="ltr">Het adres is Kerkstraat 12.<div><br></div><div>Groet,<br>Sanne</div></div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">Op ma 23 nov. 2026 om 10:12 schreef Ingressus Klachten &lt;<a href="mailto:klachten@ingressus.nl">klachten@ingressus.nl</a>&gt;:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Geachte mevrouw,<br>Wilt u uw adres doorgeven?</blockquote></div>`,
			"Het adres is Kerkstraat 12.\n\nGroet,\nSanne"},
		{"gmail signature", `<div dir="ltr">Ja.<br clear="all"><br><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">Sanne de Vries<br>06 12345678</div></div>`,
			"Ja."},
		{"gmail indent is text", `<div>Mijn klacht:</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>De lekkage is terug.</div></blockquote><div>Groet</div>`,
			"Mijn klacht:\nDe lekkage is terug.\nGroet"},
		{"outlook web nl", `<div class="elementToProof">Beste Sanne,</div><div class="elementToProof"><br></div><div class="elementToProof">De monteur komt dinsdag.</div><div id="Signature"><p>Jan Bakker<br>Ingressus</p></div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif"><b>Van:</b> Sanne &lt;s@example.nl&gt;<br><b>Verzonden:</b> maandag 23 november 2026 10:12<br><b>Aan:</b> Klachten<br><b>Onderwerp:</b> Lekkage</font><div>&nbsp;</div></div><div>Oude tekst</div>`,
			"Beste Sanne,\n\nDe monteur komt dinsdag."},
		{"outlook desktop nl", `<html><body lang=NL><div class=WordSection1><p class=MsoNormal>Beste Sanne,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Dinsdag komt de monteur.<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>Van:</b> Sanne de Vries &lt;s@example.nl&gt; <br><b>Verzonden:</b> maandag 23 november 2026 10:12<br><b>Aan:</b> Klachten &lt;klachten@ingressus.nl&gt;<br><b>Onderwerp:</b> Lekkage<o:p></o:p></p></div><p class=MsoNormal>Oud<o:p></o:p></p></div></body></html>`,
			"Beste Sanne,\n\nDinsdag komt de monteur."},
		{"apple mail nl", `<html><body dir="auto">Dat klopt.<br><br><div dir="ltr">Verstuurd vanaf mijn iPhone</div><div dir="ltr"><br><blockquote type="cite">Op 23 nov. 2026 om 10:12 heeft Ingressus Klachten &lt;klachten@ingressus.nl&gt; het volgende geschreven:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">Klopt dit?</div></blockquote></body></html>`,
			"Dat klopt."},
		{"apple mail en", `<html><body style="word-wrap: break-word;">Fine.<div><br><div><blockquote type="cite"><div>On 23 Nov 2026, at 10:12, Ingressus &lt;complaints@ingressus.nl&gt; wrote:</div><br><div><div>Is this right?</div></div></blockquote></div><br></div></body></html>`,
			"Fine."},
		{"apple mail interleaved", `<html><body>On 23 Nov 2026, at 10:12, X &lt;x@example.nl&gt; wrote:<br><blockquote type="cite">Your address?</blockquote>Kerkstraat 12<br><blockquote type="cite">When?</blockquote>After five<br><blockquote type="cite">Regards</blockquote></body></html>`,
			"> Your address?\nKerkstraat 12\n> When?\nAfter five"},
		{"thunderbird", `<html><body><p>Akkoord.</p><div class="moz-cite-prefix">Op 23-11-2026 om 10:12 schreef Ingressus Klachten:<br></div><blockquote type="cite" cite="mid:x@y"><p>Klopt dit?</p></blockquote><br><pre class="moz-signature" cols="72">-- 
Jan</pre></body></html>`,
			"Akkoord."},
		{"yahoo", `<div class="ydp1yahoo-style-wrap">Ok.</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>Op maandag 23 november 2026 10:12:13 CET schreef X &lt;x@example.nl&gt;:</div><div>Oud</div></div>`,
			"Ok."},
		{"outlook ios nl", `<html><body><div dir="ltr">Prima, tot dinsdag.</div><div id="ms-outlook-mobile-signature" dir="ltr"><div><a href="https://aka.ms/o0ukef">Outlook voor iOS</a> downloaden</div></div><div id="mail-editor-reference-message-container"><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>Van:</b> Ingressus Klachten &lt;klachten@ingressus.nl&gt;<br><b>Verzonden:</b> maandag, november 23, 2026 14:02<br><b>Aan:</b> Sanne<br><b>Onderwerp:</b> x</div><div>Oud</div></div></body></html>`,
			"Prima, tot dinsdag."},
		{"samsung email nl", `<html><body><div dir="auto">Dank u</div><div dir="auto"><br></div><div id="composer_signature" dir="auto"><div style="font-size:85%;color:#575757">Verzonden vanaf mijn Galaxy</div></div><div dir="auto"><br></div><div align="left" dir="auto" style="font-size:100%;color:#000000"><div>-------- Oorspronkelijk bericht --------</div><div>Van: Ingressus Klachten &lt;klachten@ingressus.nl&gt; </div><div>Datum: 23-11-26 14:02 (GMT+01:00) </div><div>Aan: Sanne </div><div>Onderwerp: x </div><div><br></div></div>Oud</body></html>`,
			"Dank u"},
		{"entities and script", `<style>p{color:red}</style><script>alert(1)</script><p>5 &lt; 6 &euro;</p>`, "5 < 6 €"},
		{"list", `<p>Punten:</p><ul><li>een</li><li>twee</li></ul>`, "Punten:\n\n- een\n- twee"},
		{"gmail interleaved", `<div dir="ltr">Zie onder.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Op ma 23 nov. 2026 om 10:12 schreef X &lt;x@example.nl&gt;:<br></div><blockquote class="gmail_quote">Wat is uw adres?</blockquote><div>Kerkstraat 12</div><blockquote class="gmail_quote">Wanneer?</blockquote><div>Na vijf uur</div><blockquote class="gmail_quote">Groet<br>Jan</blockquote></div>`,
			"Zie onder.\n\n> Wat is uw adres?\nKerkstraat 12\n> Wanneer?\nNa vijf uur"},
		// Gmail puts a forward inside gmail_quote; a mail that is only a
		// forward keeps it.
		{"gmail pure forward", `<div dir="ltr"><br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>Van: <b>Woonbedrijf</b> &lt;info@example.nl&gt;<br>Date: ma 23 nov. 2026<br>Subject: Uw melding<br></div><br><div>Wij komen niet.</div></div></div>`,
			"---------- Forwarded message ---------\nVan: Woonbedrijf <info@example.nl>\nDate: ma 23 nov. 2026\nSubject: Uw melding\n\nWij komen niet."},
		{"gmail forward under text", `<div dir="ltr">Zie hieronder.<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>Van: a<br></div><div>Oud</div></div></div>`,
			"Zie hieronder."},
		{"deep quote marks capped", strings.Repeat("<blockquote type=cite>", 10) + "q" + strings.Repeat("</blockquote>", 10) + "a<blockquote type=cite>q2</blockquote>b<blockquote type=cite>q3</blockquote>",
			">>>> q\na\n> q2\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromHTML(tt.in); got != tt.want {
				t.Errorf("FromHTML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// replyFixtures says why each fixture in testdata/replies is there. All are
// written for this project (not copied from the corpora), after real mails.
var replyFixtures = map[string]string{
	"outlook_nl.txt":              "Outlook desktop nl: signature block, underscore line, Van:/Verzonden:/Aan:/Onderwerp:",
	"gmail_nl.txt":                "Gmail nl: 'Op ma 23 nov. 2026 om 14:02 schreef … <' wrapped before the address",
	"iphone_nl.txt":               "iOS Mail nl: 'Verstuurd vanaf mijn iPhone' above a quoted 'het volgende geschreven:'",
	"apple_mail_en.txt":           "Apple Mail en: 'On … wrote:' followed by unquoted history",
	"thunderbird_nl.txt":          "Thunderbird nl: '-- ' signature above 'Op … schreef …:' and '>' quote",
	"handler_reactie_outlook.txt": "a handler's #reactie from Outlook en: the command line stays for ParseCommand",
	"inline_nl.txt":               "a complainant answering between the quoted questions: the questions stay",
	"gmail_nl.html":               "Gmail HTML: div.gmail_quote with gmail_attr",
	"outlook_web_nl.html":         "Outlook on the web nl: div#Signature, #appendonsend, div#divRplyFwdMsg",
	"apple_mail_nl.html":          "iOS Mail HTML nl: blockquote type=cite holding the attribution, BOM in the quote",
	"thunderbird_nl.html":         "Thunderbird HTML nl: moz-cite-prefix, blockquote type=cite, pre.moz-signature",
}

// TestReplyTextGolden runs the fixtures in testdata/replies: NAME.txt or
// NAME.html in, NAME.txt.golden or NAME.html.golden the expected reply
// text. -update-replies
// rewrites the golden files.
func TestReplyTextGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/replies/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		ext := filepath.Ext(f)
		if ext != ".txt" && ext != ".html" {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			if replyFixtures[filepath.Base(f)] == "" {
				t.Errorf("%s: add a line to replyFixtures saying why it is there", f)
			}
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := Text(string(in))
			if ext == ".html" {
				got = FromHTML(string(in))
			}
			golden := f + ".golden"
			if *updateReplies {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if w := strings.TrimSuffix(string(want), "\n"); got != w {
				t.Errorf("reply text of %s = %q, want %q", f, got, w)
			}
		})
	}
	if n == 0 {
		t.Fatal("no fixtures in testdata/replies")
	}
}

// replyDisagree lists the corpus checks we fail on purpose, with why. The
// key is "file|kind".
var replyDisagree = map[string]string{
	// github hides "-Abhishek Kona" as a signature (crisp keeps it). A
	// sign-off name is the writer's own text; only "-- " is a signature.
	"github_email_reply_parser/test/emails/email_1_1.txt|visible_equals":        "sign-off '-Name' kept",
	"github_email_reply_parser/test/emails/email_1_1.txt|first_fragment_equals": "sign-off '-Name' kept",
	"github_email_reply_parser/test/emails/email_1_3.txt|second_fragment_regex": "sign-off '-Name' kept",
	// talon's extract_from_plain keeps signatures and "Sent from my
	// iPhone"; github drops both, and so do we: the relayed text should not
	// carry the writer's phone, title or mail app.
	"mailgun_talon/tests/fixtures/standard_replies/iphone.eml|visible_trimmed_equals":  "'Sent from my iPhone' dropped",
	"mailgun_talon/tests/fixtures/standard_replies/sparrow.eml|visible_trimmed_equals": "'-- ' signature dropped",
	// talon drops "Bob" above the <hr>; it is the writer's sign-off.
	"mailgun_talon/tests/fixtures/reply-separated-by-hr.html|html_reply_text_nows": "sign-off above <hr> kept",
	// talon keeps a forwarded message under new text; we cut it (a
	// handler's forward of internal mail must not reach the complainant;
	// the raw mail is stored). A mail that is only a forward keeps it.
	"talon_inline_cases.json#test_dont_parse_quotations_for_forwarded_messages|exact": "forward under new text cut",
}

type replyCase struct {
	Source string `json:"source"`
	File   string `json:"file"`
	Origin string `json:"origin"`
	Checks []struct {
		Kind  string          `json:"kind"`
		Value json.RawMessage `json:"value"`
	} `json:"checks"`
}

// TestReplyTextCorpus checks Text and FromHTML against the public
// reply-parser suites' own assertions (replies/expected.json).
func TestReplyTextCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(replyCorpus, "expected.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("reply corpus not present at " + replyCorpus + " (CI has it; see corpora/README.md)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []replyCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var total, passed, deliberate, missing int
	for _, c := range doc.Cases {
		path := filepath.Join(replyCorpus, c.File)
		in, err := os.ReadFile(path)
		if err != nil {
			missing++
			t.Logf("%s: not in the corpus, skipped", c.File)
			continue
		}
		body, isHTML := string(in), strings.HasSuffix(c.File, ".html")
		if strings.HasSuffix(c.File, ".eml") {
			body, isHTML = replyTestBody(t, in)
		}
		var visible string
		if isHTML {
			visible = FromHTML(body)
		} else {
			visible = Text(body)
		}
		frags := replyTestFragments(body)
		for _, ch := range c.Checks {
			var sval string
			_ = json.Unmarshal(ch.Value, &sval)
			ok, counted := true, true
			switch ch.Kind {
			case "visible_equals":
				ok = replyNorm(visible) == replyNorm(sval)
			case "visible_trimmed_equals":
				ok = strings.TrimSpace(replyNorm(visible)) == strings.TrimSpace(replyNorm(sval))
			case "visible_contains":
				ok = strings.Contains(visible, sval)
			case "visible_not_contains":
				ok = !strings.Contains(visible, sval)
			case "first_fragment_equals", "first_fragment_trimmed_equals":
				ok = len(frags) > 0 && strings.TrimSpace(replyNorm(frags[0])) == strings.TrimSpace(replyNorm(sval))
			case "first_fragment_regex":
				ok = len(frags) > 0 && regexp.MustCompile(sval).MatchString(frags[0])
			case "second_fragment_regex":
				ok = len(frags) > 1 && regexp.MustCompile(sval).MatchString(frags[1])
			case "single_fragment":
				ok = replyNorm(visible) == strings.TrimSpace(replyNorm(body))
			case "max_seconds":
				// Finishing is the check; the test timeout guards it and
				// BenchmarkReplyTextPathological measures it.
			case "html_reply_text_nows":
				ok = replyNoSpace(visible) == replyNoSpace(sval)
			default: // fragment_count and the like are parser-specific
				counted = false
				t.Logf("%s: %s %s not checked (parser-specific)", c.File, ch.Kind, ch.Value)
			}
			if !counted {
				continue
			}
			total++
			key := c.File + "|" + ch.Kind
			switch {
			case ok:
				passed++
				if why, dis := replyDisagree[key]; dis {
					t.Logf("%s: passes although listed as a deliberate difference (%s)", key, why)
				}
			case replyDisagree[key] != "":
				deliberate++
				t.Logf("%s: deliberate difference: %s", key, replyDisagree[key])
			default:
				t.Errorf("%s (%s): %s %s failed; visible = %q; fragments = %q", c.File, c.Origin, ch.Kind, ch.Value, visible, frags)
			}
		}
	}
	t.Logf("expected.json: %d/%d checks pass, %d deliberate differences, %d cases missing from the corpus",
		passed, total, deliberate, missing)
}

// TestReplyTextTalonInline runs talon's inline test cases
// (talon_inline_cases.json): plain extraction compared exactly, HTML
// extraction compared without white space. Cases that patch talon's
// internals (decorators) test talon, not the extraction, and are skipped.
func TestReplyTextTalonInline(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(replyCorpus, "mailgun_talon/talon_inline_cases.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("reply corpus not present at " + replyCorpus + " (CI has it; see corpora/README.md)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Test       string   `json:"test"`
		Function   string   `json:"function"`
		Decorators []string `json:"decorators"`
		Comparison string   `json:"comparison"`
		Input      string   `json:"input"`
		Expected   string   `json:"expected"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	var total, passed, deliberate int
	for _, c := range cases {
		if len(c.Decorators) > 0 {
			continue
		}
		var got, want string
		switch c.Function {
		case "extract_from_plain":
			got, want = replyNorm(Text(c.Input)), replyNorm(c.Expected)
		case "extract_from_html":
			got, want = replyNoSpace(FromHTML(c.Input)), replyNoSpace(replyTestHTMLText(c.Expected))
		default:
			continue
		}
		total++
		key := "talon_inline_cases.json#" + c.Test + "|" + c.Comparison
		switch {
		case got == want:
			passed++
		case replyDisagree[key] != "":
			deliberate++
			t.Logf("%s: deliberate difference: %s", key, replyDisagree[key])
		default:
			t.Errorf("%s %s(%q) = %q, want %q", c.Test, c.Function, c.Input, got, want)
		}
	}
	t.Logf("talon_inline_cases.json: %d/%d pass, %d deliberate differences", passed, total, deliberate)
}

// TestReplyTextPathological runs the inputs that blow up backtracking
// parsers. There is no timing assertion: the test timeout guards it, and
// BenchmarkReplyTextPathological measures it.
func TestReplyTextPathological(t *testing.T) {
	// A tenth of the benchmark's sizes: still 100 KB of each, where
	// anything quadratic would not finish, and quick under -race.
	for _, p := range replyPathological(t, 10) {
		out := Text(p.in)
		if len(out) > len(p.in) {
			t.Errorf("Text(%s) returned %d bytes from %d", p.name, len(out), len(p.in))
		}
		_ = FromHTML(p.in)
	}
}

func BenchmarkReplyTextPathological(b *testing.B) {
	for _, p := range replyPathological(b, 1) {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.in)))
			for b.Loop() {
				Text(p.in)
			}
		})
	}
}

func BenchmarkReplyTextHTMLPathological(b *testing.B) {
	for _, p := range replyPathological(b, 1) {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.in)))
			for b.Loop() {
				FromHTML(p.in)
			}
		})
	}
}

type replyInput struct{ name, in string }

// replyPathological returns github's pathological.txt (when the corpus is
// there) and synthetic worst cases for each rule, their sizes divided by
// div (the benchmark uses 1: around a megabyte each, past the cap).
func replyPathological(tb testing.TB, div int) []replyInput {
	rep := func(s string, n int) string { return strings.Repeat(s, n/div) }
	ins := []replyInput{
		{"quote-marks", rep(">", 1<<20)},
		{"on-words", rep("On ", 200000) + "wrote:"},
		{"on-lines", rep("On 1 wrote\n", 100000)},
		{"from-lines", rep("From: a\n", 100000)},
		{"dash-on", rep("-- On 2012 ", 50000)},
		{"interleaved", rep("a\n> b\nc\n", 100000)},
		{"blockquotes-open", rep("<blockquote>", 20000)},
		{"gmail-open", rep("<div class=gmail_quote>", 20000)},
		{"br-then-blockquotes", "x" + rep("<br>", 100000) + rep("<blockquote></blockquote>", 100000)},
		{"nested-blockquotes", rep("<blockquote>", 20000) + "x" + rep("</blockquote>y", 20000)},
		{"one-line", rep("x", 2<<20)},
	}
	p := filepath.Join(replyCorpus, "github_email_reply_parser/test/emails/pathological.txt")
	if b, err := os.ReadFile(p); err == nil {
		ins = append(ins, replyInput{"pathological.txt", string(b)})
	} else {
		tb.Logf("%s not present (corpus absent); synthetic inputs only", p)
	}
	return ins
}

func FuzzReplyText(f *testing.F) {
	f.Add("Hallo\n\nOp ma 23 nov. 2026 om 10:12 schreef X <x@example.nl>:\n> Vraag\n")
	f.Add("Ok\n\nVan: a\nVerzonden: b\nAan: c\nOnderwerp: d\n\nOud")
	f.Add("reply--- On Wed, Apr 4, 2012 at 3:59 PM, me@domain.com wrote:\n> Hi")
	f.Add("> a\nb\n> c\nd\n> e\n-- \nsig")
	f.Add("Begin forwarded message:\n\nFrom: a\n")
	f.Fuzz(func(t *testing.T, in string) {
		out := Text(in)
		// Output is made of the input's lines, trimmed: never longer.
		if len(out) > len(in) {
			t.Errorf("Text(%q) = %q: longer than the input", in, out)
		}
		// No trailing white space on any line, no blank line first or last.
		for _, l := range strings.Split(out, "\n") {
			if l != strings.TrimRightFunc(l, unicode.IsSpace) {
				t.Errorf("Text(%q) = %q: line %q not trimmed", in, out, l)
			}
		}
		if out != "" && (strings.HasPrefix(out, "\n") || strings.HasSuffix(out, "\n")) {
			t.Errorf("Text(%q) = %q: blank line first or last", in, out)
		}
		if again := Text(in); again != out {
			t.Errorf("Text(%q) not deterministic", in)
		}
	})
}

func FuzzReplyTextHTML(f *testing.F) {
	f.Add(`<div>Hi</div><div class="gmail_quote">On x wrote:<blockquote>q</blockquote></div>`)
	f.Add(`<div id="appendonsend"></div><div id="divRplyFwdMsg">x</div>`)
	f.Add(`<blockquote type="cite">a</blockquote>b<blockquote type="cite">c</blockquote>d`)
	f.Add(`<pre>-- 
sig</pre>`)
	f.Fuzz(func(t *testing.T, in string) {
		out := FromHTML(in)
		// Text comes from the input, with "> " added for quoted passages
		// that are kept, and entities decoded (at most 4 bytes from 2):
		// bounded by a small multiple.
		if len(out) > 3*len(in)+16 {
			t.Errorf("FromHTML(%q) = %q: much longer than the input", in, out)
		}
	})
}

// replyNorm normalises for comparison as the corpus schema advises: line
// ends, trailing white space on every line, trailing blank lines.
func replyNorm(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func replyNoSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// replyTestFragments returns the text of each fragment of a plain reply
// that is not blank, in order: what the github suite calls fragments.
func replyTestFragments(body string) []string {
	var out []string
	for _, f := range split(body).frags {
		if !hasContent(f.lines) {
			continue
		}
		out = append(out, strings.Join(f.lines, "\n"))
	}
	return out
}

// replyTestBody extracts the first text/plain part of a message (or, when
// there is none, the first text/html part), decoded. Our own minimal walk,
// so the corpus test does not depend on Parse.
func replyTestBody(t *testing.T, raw []byte) (string, bool) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		t.Fatalf("read message: %v", err)
	}
	var plain, htm string
	var havePlain, haveHTML bool
	_ = e.Walk(func(_ []int, p *message.Entity, _ error) error {
		if p.MultipartReader() != nil {
			return nil
		}
		ct, _, _ := p.Header.ContentType()
		b, _ := io.ReadAll(p.Body)
		switch {
		case (ct == "text/plain" || ct == "") && !havePlain:
			plain, havePlain = string(b), true
		case ct == "text/html" && !haveHTML:
			htm, haveHTML = string(b), true
		}
		return nil
	})
	if havePlain {
		return plain, false
	}
	return htm, true
}

// replyTestHTMLText is all text of an HTML document, for comparing
// talon's expected HTML without white space.
func replyTestHTMLText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return s
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}
