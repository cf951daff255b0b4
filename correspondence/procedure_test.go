package correspondence

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	kparser "github.com/ingressus/klachtd/parser"
	"github.com/ingressus/klachtd/templates"
)

// source is this package's Go code (tests left out), parsed once.
type source struct {
	fset  *token.FileSet
	files []*ast.File
	// letterOf maps a templates constant (Acknowledgement) to its letter
	// name ("acknowledgement").
	letterOf map[string]string
	funcs    map[string][]*ast.FuncDecl // by name; methods of both receivers share one
}

func parseSource(t *testing.T) *source {
	t.Helper()
	s := &source{fset: token.NewFileSet(), letterOf: map[string]string{}, funcs: map[string][]*ast.FuncDecl{}}
	names, _ := filepath.Glob("*.go")
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(s.fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		s.files = append(s.files, f)
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				s.funcs[fd.Name.Name] = append(s.funcs[fd.Name.Name], fd)
			}
		}
	}
	letters := map[string]bool{}
	for _, n := range templates.Names {
		letters[n] = true
	}
	tnames, _ := filepath.Glob("../templates/*.go")
	for _, n := range tnames {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(s.fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil && letters[v] {
							s.letterOf[id.Name] = v
						}
					}
				}
			}
			return true
		})
	}
	return s
}

// lettersIn are the letters n refers to (templates.X of a letter name).
func (s *source) lettersIn(n ast.Node) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "templates" {
				if l, ok := s.letterOf[sel.Sel.Name]; ok {
					out[l] = true
				}
			}
		}
		return true
	})
	return out
}

// reach is the set of functions fn calls, directly or through others (by
// name: close enough within one package).
func (s *source) reach(fn string) map[string]bool {
	seen := map[string]bool{fn: true}
	todo := []string{fn}
	for len(todo) > 0 {
		f := todo[0]
		todo = todo[1:]
		for _, fd := range s.funcs[f] {
			ast.Inspect(fd, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				name := ""
				switch fun := call.Fun.(type) {
				case *ast.Ident:
					name = fun.Name
				case *ast.SelectorExpr:
					name = fun.Sel.Name
				}
				if _, ours := s.funcs[name]; ours && !seen[name] {
					seen[name] = true
					todo = append(todo, name)
				}
				return true
			})
		}
	}
	return seen
}

// rowFunc is the function a row names: the first word of do.
func rowFunc(tr transition) string { return strings.Fields(tr.do)[0] }

// Each row names a function that exists, and from it the code reaches
// every letter the row lists: the table is where to look, and it does not
// promise a letter the code never queues there.
func TestProcedureRowsNameTheirCode(t *testing.T) {
	s := parseSource(t)
	for _, tr := range procedure {
		fn := rowFunc(tr)
		if len(s.funcs[fn]) == 0 {
			t.Errorf("row %q names %s, which is no function of the package", tr.on, fn)
			continue
		}
		queued := map[string]bool{}
		for f := range s.reach(fn) {
			for _, fd := range s.funcs[f] {
				for l := range s.lettersIn(fd) {
					queued[l] = true
				}
			}
		}
		for _, l := range tr.letters {
			if !queued[l] {
				t.Errorf("row %q lists letter %s, but %s never reaches it", tr.on, l, fn)
			}
		}
	}
	for _, a := range asides {
		for _, w := range strings.Fields(a.do) {
			if fn := strings.TrimSuffix(w, ","); !strings.Contains(fn, ".") && !strings.HasPrefix(fn, "(") && len(s.funcs[fn]) == 0 {
				t.Errorf("aside %s names %s, which is no function of the package", a.letter, fn)
			}
		}
	}
}

// Every letter the package refers to is in the table or among the
// asides: a new letter cannot be queued without the table saying when.
func TestEveryLetterIsInTheProcedure(t *testing.T) {
	s := parseSource(t)
	listed := map[string]bool{}
	for _, tr := range procedure {
		for _, l := range tr.letters {
			listed[l] = true
		}
	}
	for _, a := range asides {
		listed[a.letter] = true
	}
	for _, f := range s.files {
		for l := range s.lettersIn(f) {
			if !listed[l] {
				t.Errorf("%s refers to letter %s, which no row of procedure.go and no aside lists", s.fset.File(f.Pos()).Name(), l)
			}
		}
	}
}

type emptyImporter struct{}

func (emptyImporter) Import(path string) (*types.Package, error) {
	p := types.NewPackage(path, filepath.Base(path))
	p.MarkComplete()
	return p, nil
}

// No code but enter sets a complaint's state: every transition the code
// performs is one the table has (enter refuses any other).
func TestOnlyEnterSetsTheState(t *testing.T) {
	s := parseSource(t)
	// Imports are left empty: type-checking them from source takes a
	// minute, and the package's own types (Complaint) resolve without them.
	conf := types.Config{Importer: emptyImporter{}, Error: func(error) {}}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, _ := conf.Check("github.com/ingressus/klachtd/correspondence", s.fset, s.files, info)
	complaint := pkg.Scope().Lookup("Complaint")
	if complaint == nil {
		t.Fatal("no type Complaint")
	}
	isComplaint := func(e ast.Expr) bool {
		tv, ok := info.Types[e]
		if !ok {
			return false
		}
		typ := tv.Type
		if p, ok := typ.(*types.Pointer); ok {
			typ = p.Elem()
		}
		return types.Identical(typ, complaint.Type())
	}
	for _, f := range s.files {
		file := s.fset.File(f.Pos()).Name()
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "State" && isComplaint(sel.X) && file != "procedure.go" {
						t.Errorf("%s sets a complaint's state itself; call enter with the event", s.fset.Position(n.Pos()))
					}
				}
			case *ast.CompositeLit:
				if !isComplaint(n) {
					return true
				}
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "State" {
							t.Errorf("%s makes a complaint in a state; start from none and call enter", s.fset.Position(n.Pos()))
						}
					}
				}
			}
			return true
		})
	}
}

// The table is a function: one row at most for a state and an event, and
// every command the parser knows has a row.
func TestProcedureTableIsComplete(t *testing.T) {
	seen := map[string]event{}
	for _, tr := range procedure {
		if len(tr.from) == 0 || tr.do == "" || tr.step == "" {
			t.Errorf("row %q has no state, no function or no step", tr.on)
		}
		for _, st := range tr.from {
			key := st + "\x00" + string(tr.on)
			if _, dup := seen[key]; dup {
				t.Errorf("two rows for %q in state %q", tr.on, st)
			}
			seen[key] = tr.on
		}
		if tr.to != "" && !slices.Contains(anyState, tr.to) {
			t.Errorf("row %q leads to unknown state %q", tr.on, tr.to)
		}
	}
	// Every command has a row in some state of a running complaint (not
	// all in the open one: #bezwaar waits for the response, §4).
	for _, line := range kparser.CommandList("en") {
		name := strings.TrimPrefix(strings.Fields(line)[0], "#")
		if !slices.ContainsFunc(running, func(st string) bool { _, ok := rowFor(st, commandEvent(name)); return ok }) {
			t.Errorf("command #%s has no row for a running complaint in procedure.go", name)
		}
	}
	for _, st := range anyState {
		if _, ok := rowFor(st, onThirdParty); !ok {
			t.Errorf("a third party's mail has no row in state %q", st)
		}
	}
}

// enter moves a complaint as the table says and refuses what it does not
// have.
func TestEnter(t *testing.T) {
	tx := &txn{}
	c := &Complaint{State: StateOpen}
	if err := tx.enter(c, commandEvent("response")); err != nil || c.State != StateResponded {
		t.Errorf("enter(open, #response) = %v, state %q; want responded", err, c.State)
	}
	if err := tx.enter(c, onReminderDay); err == nil {
		t.Errorf("enter(responded, %q) = nil, want the table's refusal", onReminderDay)
	}
	c.State = StateClosed
	if err := tx.enter(c, commandEvent("delay")); err == nil || c.State != StateClosed {
		t.Errorf("enter(closed, #delay) = %v, state %q; want a refusal and closed", err, c.State)
	}
}
