package correspondence

// SurveySettings switch on the satisfaction question (ISO 10002): one
// letter, AfterWorkdays working days after a complaint is closed.
type SurveySettings struct {
	Enabled       bool
	AfterWorkdays int
}
