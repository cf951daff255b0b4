package reply

import (
	"strings"
	"testing"
)

// TestReplyTextLanguages pins quote headers, separators, quote marks and
// sign-offs in the languages clients write (issue 13). Every case is our
// own text, written for this repository.
func TestReplyTextLanguages(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Quote headers "On … wrote:" in other languages.
		{"de gmail", "Der Termin passt.\n\nAm Mo., 23. Nov. 2026 um 10:12 Uhr schrieb Ingressus Klachten <klachten@ingressus.nl>:\n\n> Passt Dienstag?\n", "Der Termin passt."},
		{"de name first, wrapped", "Passt.\n\nPieter Jansen <pieter@example.de> schrieb am Mo., 23.\nNov. 2026, 10:12:\n\n> Passt Dienstag?\n", "Passt."},
		{"fr", "C'est d'accord.\n\nLe lun. 23 nov. 2026 à 10:12, Ingressus <klachten@ingressus.nl> a écrit :\n\n> Est-ce que mardi convient ?\n", "C'est d'accord."},
		{"it", "Va bene.\n\nIl giorno lun 23 nov 2026 alle ore 10:12 Ingressus <klachten@ingressus.nl> ha scritto:\n\n> Martedì va bene?\n", "Va bene."},
		{"it in data", "Va bene.\n\nIn data 23 novembre 2026 10:12:31 \"Ingressus\" <klachten@ingressus.nl> ha scritto:\n\nMartedì va bene?\n", "Va bene."},
		{"es", "De acuerdo.\n\nEl lun, 23 nov 2026 a las 10:12, Ingressus (<klachten@ingressus.nl>) escribió:\n\n> ¿Le va bien el martes?\n", "De acuerdo."},
		{"pt", "Combinado.\n\nEm seg., 23 de nov. de 2026 às 10:12, Ingressus <klachten@ingressus.nl> escreveu:\n\n> Terça-feira serve?\n", "Combinado."},
		{"pl", "Zgoda.\n\nW dniu 23.11.2026 o 10:12, Ingressus <klachten@ingressus.nl> napisał(a):\n\n> Czy wtorek pasuje?\n", "Zgoda."},
		{"pl dnia pisze", "Zgoda.\n\nDnia 23.11.2026 10:12 Ingressus <klachten@ingressus.nl> pisze:\n\n> Czy wtorek pasuje?\n", "Zgoda."},
		{"sv", "Det går bra.\n\nDen 23 nov. 2026 kl. 10:12 skrev Ingressus <klachten@ingressus.nl>:\n\n> Passar tisdag?\n", "Det går bra."},
		{"da date first", "Det passer.\n\nman. 23. nov. 2026 kl. 10.12 skrev Ingressus <klachten@ingressus.nl>:\n\n> Passer tirsdag?\n", "Det passer."},
		{"fi weekday first, two lines", "Sopii.\n\nma 23. marraskuuta 2026 klo 10.12 Ingressus\n<klachten@ingressus.nl> kirjoitti:\n\nSopiiko tiistai?\n", "Sopii."},
		{"ru date first", "Хорошо.\n\nпн, 23 нояб. 2026 г. в 10:12, Ingressus <klachten@ingressus.nl>:\n\n> Вторник подходит?\n", "Хорошо."},
		{"iso date first", "Fine.\n\n2026-11-23 10:12 GMT+01:00 Ingressus <klachten@ingressus.nl>:\n\n> Tuesday?\n", "Fine."},
		{"wrote without colon", "Fine by me.\n\nOn Mon, 23 Nov 2026 at 10:12, Ingressus <klachten@ingressus.nl> wrote\n\n> Tuesday?\n", "Fine by me."},
		// Outlook header blocks and separators.
		{"it outlook block", "Va bene.\n\nDa: Ingressus Klachten <klachten@ingressus.nl>\nInviato: lunedì 23 novembre 2026 10:12\nA: mario@example.it\nOggetto: Appuntamento\n\nMartedì va bene?\n", "Va bene."},
		{"pl outlook block", "Zgoda.\n\nOd: Ingressus Klachten <klachten@ingressus.nl>\nWysłano: poniedziałek, 23 listopada 2026 10:12\nDo: jan@example.pl\nTemat: Termin\n\nCzy wtorek pasuje?\n", "Zgoda."},
		{"fi outlook block", "Sopii.\n\nLähettäjä: Ingressus Klachten <klachten@ingressus.nl>\nLähetetty: maanantai 23. marraskuuta 2026 10.12\nVastaanottaja: matti@example.fi\nAihe: Aika\n\nSopiiko tiistai?\n", "Sopii."},
		{"pt outlook block", "Combinado.\n\nDe: Ingressus Klachten <klachten@ingressus.nl>\nEnviada em: segunda-feira, 23 de novembro de 2026 10:12\nPara: ana@example.pt\nAssunto: Visita\n\nTerça-feira serve?\n", "Combinado."},
		{"da dash separator", "Det passer.\n\n-----Oprindelig meddelelse-----\nFra: Ingressus <klachten@ingressus.nl>\nSendt: 23. november 2026 10:12\nTil: lars@example.dk\nEmne: Tid\n\nPasser tirsdag?\n", "Det passer."},
		{"da besked separator", "Det passer.\n\n-------- Oprindelig besked --------\nFra: Ingressus <klachten@ingressus.nl>\nDato: 23.11.2026  10.12  (GMT+01:00)\n", "Det passer."},
		{"fi separator", "Sopii.\n\n-----Alkuperäinen viesti-----\nTiistai?\n", "Sopii."},
		{"ru separator", "Хорошо.\n\n-------- Исходное сообщение --------\nВторник?\n", "Хорошо."},
		{"fr message du", "D'accord.\n\n========== Message du 23/11/2026 10:12 ==========\nDe : Ingressus\nMardi ?\n", "D'accord."},
		// Quote marks other than ">".
		{"pipe quotes", "Ja, dinsdag.\n\nOp ma 23 nov. 2026 om 10:12 schreef Ingressus <klachten@ingressus.nl>:\n| Past dinsdag?\n| Groet\n", "Ja, dinsdag."},
		{"initials quotes", "Ja, dinsdag.\n\nIngressus <klachten@ingressus.nl> schreef op 23-11-2026 10:12:\nIK> Past dinsdag?\nIK> Groet\n", "Ja, dinsdag."},
		{"table row stays", "| kamer | schade |\n| keuken | lekkage |\n", "| kamer | schade |\n| keuken | lekkage |"},
		{"rewrapped quote lost its mark", "Op ma 23 nov. 2026 om 10:12 schreef Ingressus <klachten@ingressus.nl>:\n> Wij willen graag weten op welke dag de monteur bij u langs kan komen om\nde schade op te nemen.\n> Met vriendelijke groet\n\nDinsdag is goed.\n", "Dinsdag is goed."},
		// Sign-offs, footers, tracking marks.
		{"blackberry", "Akkoord.\n\nVerzonden met BlackBerry Work\n(www.blackberry.com)\n", "Akkoord.\n\nVerzonden met BlackBerry Work\n(www.blackberry.com)"},
		{"blackberry alone", "Akkoord.\n\nVerzonden met BlackBerry Work\n", "Akkoord."},
		{"de iphone", "Passt.\n\nVon meinem iPhone gesendet\n", "Passt."},
		{"fr iphone", "D'accord.\n\nEnvoyé de mon iPhone\n", "D'accord."},
		{"es movil", "De acuerdo.\n\nEnviado desde mi Samsung Galaxy\n", "De acuerdo."},
		{"pt iphone", "Combinado.\n\nEnviado do meu iPhone\n", "Combinado."},
		{"it outlook mobile", "Va bene.\n\nScarica Outlook per Android\n", "Va bene."},
		{"sv iphone", "Det går bra.\n\nSkickat från min iPhone\n", "Det går bra."},
		{"pl telefon", "Zgoda.\n\nWysłane z mojego telefonu\n", "Zgoda."},
		{"tracking mark", "Dank u wel.\nᐧ\n", "Dank u wel."},
		{"tracking mark at line end", "Dank u wel. ᐧ\n", "Dank u wel."},
		{"google groups footer", "Agreed.\n\n--\nYou received this message because you are subscribed to the Google Groups \"klachten\" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to klachten+unsubscribe@googlegroups.com.\n", "Agreed."},
		{"list footer without dashes", "Agreed.\n\nYou received this message because you are subscribed to the Google Groups \"klachten\" group.\nTo unsubscribe from this group, send an email to x@example.com.\n", "Agreed."},
		// What must stay: a complainant's own sentences.
		{"prose with am and schrieb", "Am Montag um 10:12 schrieb mir Ihr Kollege, dass er kommt. Er kam nicht.\n", "Am Montag um 10:12 schrieb mir Ihr Kollege, dass er kommt. Er kam nicht."},
		{"prose dated line", "2 dagen geleden om 10:12 belde ik u.\nNiemand nam op.\n", "2 dagen geleden om 10:12 belde ik u.\nNiemand nam op."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// TestReplyTextNeverLessThanWritten: when stripping leaves nothing or only
// a greeting while the mail has new text, the whole new part is relayed;
// a reply with nothing written above the quote stays empty.
func TestReplyTextNeverLessThanWritten(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"answer below an unquoted header", "Op ma 23 nov. 2026 om 10:12 schreef Ingressus Klachten <klachten@ingressus.nl>:\n\nDe lekkage zit in de keuken, niet in de badkamer.\n",
			"De lekkage zit in de keuken, niet in de badkamer."},
		{"greeting above, answer below a header", "Beste mevrouw,\n\nOn Mon, 23 Nov 2026 at 10:12, Ingressus <klachten@ingressus.nl> wrote:\n\nDe monteur mag dinsdag komen.\n",
			"Beste mevrouw,\n\nDe monteur mag dinsdag komen."},
		{"answer below a forward header", "---------- Forwarded message ---------\nVan: Ingressus <klachten@ingressus.nl>\nDate: ma 23 nov. 2026 om 10:12\n\nHierbij de foto's die u vroeg.\n",
			// A mail that is only a forward keeps all of it (Text's rule).
			"---------- Forwarded message ---------\nVan: Ingressus <klachten@ingressus.nl>\nDate: ma 23 nov. 2026 om 10:12\n\nHierbij de foto's die u vroeg."},
		{"nothing written above the quote", "Op ma 23 nov. 2026 om 10:12 schreef Ingressus <klachten@ingressus.nl>:\n\n> Past dinsdag?\n", ""},
		{"greeting and quote only", "Hallo,\n\nOp ma 23 nov. 2026 om 10:12 schreef Ingressus <klachten@ingressus.nl>:\n\n> Past dinsdag?\n", "Hallo,"},
		{"hello is an answer", "Hello\n\n-----Original Message-----\nFrom: bob <bob@example.com>\nSent: Mon, Apr 2, 2026 5:49 pm\nSubject: Test\n\nHi\n", "Hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got != tt.want {
				t.Errorf("Text(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
			if strings.TrimSpace(got) == "" && strings.Contains(tt.in, "\n\n") && !strings.Contains(tt.in, "> ") {
				t.Errorf("empty reply for a mail with new text")
			}
		})
	}
}
