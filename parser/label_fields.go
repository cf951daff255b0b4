package parser

// LabelFields are the fields an extra form label may stand for
// (Options.Labels): the required fields, the references and the contact
// person. klachtd's [labels] config is checked against this list.
var LabelFields = append(append([]string(nil), RequiredFields...), FieldReferences, FieldContact)
