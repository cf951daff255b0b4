package correspondence

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// Every field of queries finds its block, and every block is used: the
// same check OpenStore makes, here without a database.
func TestQueriesLoad(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatalf("loadQueries() = %v, want nil", err)
	}
	v := reflect.ValueOf(q).Elem()
	for i := 0; i < v.NumField(); i++ {
		if strings.TrimSpace(v.Field(i).String()) == "" {
			t.Errorf("queries.%s is empty", v.Type().Field(i).Name)
		}
	}
}

// The loader refuses, with the place named, each way a query file can be
// wrong.
func TestQueryFileErrors(t *testing.T) {
	type two struct {
		A string `query:"a"`
		B string `query:"b"`
	}
	for _, tc := range []struct {
		why   string
		files map[string]string
		want  string // in the error
	}{
		{"duplicate across files", map[string]string{"q/x.sql": "-- name: a\nSELECT 1\n-- name: b\nSELECT 2\n", "q/y.sql": "-- name: a\nSELECT 3\n"}, `q/y.sql:1: query "a" is already named at q/x.sql:1`},
		{"missing", map[string]string{"q/x.sql": "-- name: a\nSELECT 1\n"}, `query "b" (field B) is in no q/*.sql file`},
		{"unused", map[string]string{"q/x.sql": "-- name: a\nSELECT 1\n-- name: b\nSELECT 2\n-- name: c\nSELECT 3\n"}, `q/x.sql:5: "c"`},
		{"empty block", map[string]string{"q/x.sql": "-- name: a\n-- only a comment\n-- name: b\nSELECT 2\n"}, `q/x.sql:1: "a" has no statement`},
		{"SQL before a name", map[string]string{"q/x.sql": "SELECT 0\n-- name: a\nSELECT 1\n-- name: b\nSELECT 2\n"}, `q/x.sql:1: SQL before the first`},
		{"unknown fragment", map[string]string{"q/x.sql": "-- name: a\nSELECT {{cols}} FROM t\n-- name: b\nSELECT 2\n"}, `unknown fragment {{cols}}`},
		{"bad name", map[string]string{"q/x.sql": "-- name: getA\nSELECT 1\n"}, `query name "getA"`},
		{"no files", map[string]string{"other/x.sql": "-- name: a\nSELECT 1\n"}, `no file matches q/*.sql`},
	} {
		fsys := fstest.MapFS{}
		for name, body := range tc.files {
			fsys[name] = &fstest.MapFile{Data: []byte(body)}
		}
		err := fillQueries(fsys, "q/*.sql", &two{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: fillQueries() = %v, want an error with %q", tc.why, err, tc.want)
		}
	}
	// A fragment is inserted, comments are dropped, and both count as used.
	fsys := fstest.MapFS{"q/x.sql": &fstest.MapFile{Data: []byte(
		"-- the file's comment\n-- name: cols\nx, y\n-- name: a\n-- what a does\nSELECT {{cols}} FROM t\n-- name: b\nSELECT 2\n")}}
	var got two
	if err := fillQueries(fsys, "q/*.sql", &got); err != nil {
		t.Fatal(err)
	}
	if got.A != "SELECT x, y FROM t" || got.B != "SELECT 2" {
		t.Errorf("fillQueries() = %+v, want A %q, B %q", got, "SELECT x, y FROM t", "SELECT 2")
	}
}

// Every statement is valid SQL for the migrated schema: each is prepared
// (compiled, not run), so a wrong column in a query the journeys seldom
// reach fails here.
func TestQueriesPrepare(t *testing.T) {
	s, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v := reflect.ValueOf(s.q).Elem()
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("query")
		st, err := s.db.Preparex(v.Field(i).String())
		if err != nil {
			t.Errorf("%s does not compile: %v", name, err)
			continue
		}
		st.Close()
	}
}

// selectStarRe finds SELECT * and SELECT t.*: a query names its columns,
// so a column added later cannot change what a struct scan receives.
var selectStarRe = regexp.MustCompile(`(?i)\bSELECT\s+(DISTINCT\s+)?(\w+\.)?\*`)

func TestNoSelectStar(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(q).Elem()
	for i := 0; i < v.NumField(); i++ {
		if selectStarRe.MatchString(v.Field(i).String()) {
			t.Errorf("%s selects *: name the columns", v.Type().Field(i).Tag.Get("query"))
		}
	}
}

// No SQL is written twice: two names for one statement would drift apart.
func TestNoStatementTwice(t *testing.T) {
	q, err := loadQueries()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	v := reflect.ValueOf(q).Elem()
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("query")
		norm := strings.Join(strings.Fields(v.Field(i).String()), " ")
		if other, ok := seen[norm]; ok {
			t.Errorf("%s and %s are the same statement: keep one", other, name)
		}
		seen[norm] = name
	}
}

// The complaint-columns fragment is exactly the complaints table's columns,
// in table order, and exactly Complaint's db fields: a column added to one
// and not the others would be read as zero and written back by
// saveComplaint.
func TestComplaintColumns(t *testing.T) {
	blocks, _, err := parseQueryFiles(queryFiles, "queries/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var frag []string
	for _, c := range strings.Split(blocks["complaint-columns"].text, ",") {
		frag = append(frag, strings.TrimSpace(c))
	}
	var fields []string
	ct := reflect.TypeOf(Complaint{})
	for i := 0; i < ct.NumField(); i++ {
		fields = append(fields, ct.Field(i).Tag.Get("db"))
	}
	s, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var table []string
	if err := s.db.Select(&table, `SELECT name FROM pragma_table_info('complaints') ORDER BY cid`); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(frag, table) {
		t.Errorf("complaint-columns = %v,\nwant the table's %v", frag, table)
	}
	if !reflect.DeepEqual(fields, table) {
		t.Errorf("Complaint's db fields = %v,\nwant the table's %v", fields, table)
	}
}

// sqlLiteralRe finds SQL in a Go string: upper-case keywords as our
// statements write them (prose in letters and events does not shout).
var sqlLiteralRe = regexp.MustCompile(`\bSELECT\s|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\bREPLACE\s+INTO\b|` +
	`\bPRAGMA\s|\bCREATE\s+(TABLE|INDEX|TRIGGER|VIEW)\b|\bBEGIN\s+(DEFERRED|IMMEDIATE|EXCLUSIVE|TRANSACTION)\b|` +
	`^\s*(ROLLBACK|COMMIT)\s*$|\bFROM\s+\w+\s+WHERE\b|\s(WHERE|ORDER BY|GROUP BY)\s`)

// The rule holds: no Go file of the package (tests aside, which build their
// fixtures) writes SQL; it is all in queries/*.sql (and the migrations).
func TestNoSQLOutsideQueryFiles(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				s = lit.Value
			}
			if m := sqlLiteralRe.FindString(s); m != "" {
				t.Errorf("%s: SQL in Go (%q): name it in queries/*.sql", fset.Position(lit.Pos()), strings.TrimSpace(m))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
