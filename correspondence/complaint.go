package correspondence

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// Complaint states.
const (
	StateIncomplete = "incomplete" // waiting for the complainant to supply fields
	StateOpen       = "open"       // acknowledged, term running
	StateResponded  = "responded"  // substantive response sent, objection window open
	StateObjection  = "objection"  // objection received, with management
	StateClosed     = "closed"
	StateLapsed     = "lapsed"
)

// Complaint is one row of the complaints table.
type Complaint struct {
	ID            int64     `db:"id"`
	Ref           string    `db:"ref"`
	Token         string    `db:"token"`
	State         string    `db:"state"`
	Lang          string    `db:"lang"`
	Company       string    `db:"company"`
	Address       string    `db:"address"`
	Name          string    `db:"name"`
	Phone         string    `db:"phone"`
	Availability  string    `db:"availability"`
	Email         string    `db:"email"`
	FormDate      string    `db:"form_date"`
	Description   string    `db:"description"`
	Refs          string    `db:"refs"`
	Contact       string    `db:"contact"`
	Handler       string    `db:"handler"`
	ReceivedAt    time.Time `db:"received_at"`
	CompleteDay   string    `db:"complete_day"`
	AckDue        string    `db:"ack_due"`
	TermEnd       string    `db:"term_end"`
	DelayLatest   string    `db:"delay_latest"`
	ObjectionEnd  string    `db:"objection_end"`
	LapseDay      string    `db:"lapse_day"`
	Extensions    int       `db:"extensions"`
	RespondedDay  string    `db:"responded_day"`
	ClosedDay     string    `db:"closed_day"`
	Undeliverable bool      `db:"undeliverable"`
	ClosedTold    bool      `db:"closed_told"`
	RootMsgID     string    `db:"root_msgid"`
	StaffMsgID    string    `db:"staff_msgid"`
	Problems      string    `db:"problems"`
}

// isFinished reports whether the procedure has ended for the complaint.
func (c *Complaint) isFinished() bool {
	return c.State == StateClosed || c.State == StateLapsed
}

func (c *Complaint) fields() parser.Fields {
	f := parser.Fields{Company: c.Company, Address: c.Address, Name: c.Name, Phone: c.Phone,
		Availability: c.Availability, Email: c.Email, Date: c.FormDate, Description: c.Description,
		Contact: c.Contact}
	if c.Refs != "" {
		f.References = strings.Split(c.Refs, "\n")
	}
	return f
}

func (c *Complaint) setFields(f parser.Fields) {
	c.Company, c.Address, c.Name, c.Phone = f.Company, f.Address, f.Name, f.Phone
	c.Availability, c.Email, c.FormDate, c.Description = f.Availability, f.Email, f.Date, f.Description
	c.Refs = strings.Join(f.References, "\n")
	c.Contact = f.Contact
}

// mergeFields fills the complaint's empty or invalid fields from a later
// message (a complainant's reply to the completion request).
func mergeFields(old, add parser.Fields, invalidOld map[string]string) parser.Fields {
	pick := func(name, o, n string) string {
		if n != "" && (o == "" || invalidOld[name] != "") {
			return n
		}
		return o
	}
	out := old
	out.Company = pick(parser.FieldCompany, old.Company, add.Company)
	out.Address = pick(parser.FieldAddress, old.Address, add.Address)
	out.Name = pick(parser.FieldName, old.Name, add.Name)
	out.Phone = pick(parser.FieldPhone, old.Phone, add.Phone)
	out.Availability = pick(parser.FieldAvailability, old.Availability, add.Availability)
	out.Date = pick(parser.FieldDate, old.Date, add.Date)
	out.Description = pick(parser.FieldDescription, old.Description, add.Description)
	if len(add.References) > 0 && len(old.References) == 0 {
		out.References = add.References
	}
	return out
}

func (c *Complaint) templateComplaint() templates.Complaint {
	f := c.fields()
	return templates.Complaint{Company: f.Company, Address: f.Address, Name: f.Name, Phone: f.Phone,
		Availability: f.Availability, Email: f.Email, Date: f.Date, Description: f.Description,
		References: f.References}
}

func (t *txn) complaintByID(id int64) (*Complaint, error) {
	var c Complaint
	if err := t.tx.Get(&c, t.q().ComplaintByID, id); err != nil {
		return nil, fmt.Errorf("complaint %d: %w", id, err)
	}
	return &c, nil
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
