package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// The docs' examples use the demo's keys.
const (
	docsWriteKey = "wk_3f9a2c"
	docsReadKey  = "rk_81d0e4"
)

// TestDocsExamples runs every example that the docs mark for it against the
// default demo, in the order of the files and of the examples in them, and
// fails on an error or a report whose main numbers are zero. A fenced block
// is marked in its info string, after the language:
//
//   - "example=funnel", "example=journey", "example=paths" or
//     "example=attribution": a definition (JSON or YAML), run with POST
//     /api/v1/funnels, /api/v1/journeys/report, /api/v1/paths or
//     /api/v1/attribution;
//   - "file=NAME": the block is also written to NAME, for the commands of
//     later examples;
//   - "console example": each "$ " line is a command, run as written: curl
//     against the demo's server, with the answer shown below it (an error,
//     or an "HTTP/1.1 404" status line, is what it must answer), or waymark
//     with --data of the demo.
func TestDocsExamples(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var examples []docExample
	for _, path := range append(docs, "../../README.md") {
		examples = append(examples, readDocExamples(t, path)...)
	}
	if len(examples) < 10 {
		t.Fatalf("%d examples marked in the docs; the markers are lost", len(examples))
	}
	dataDir := defaultDemo(t)
	srv := startServer(t, dataDir)
	work := t.TempDir()
	for _, ex := range examples {
		t.Run(ex.where, func(t *testing.T) {
			if ex.file != "" {
				if err := os.WriteFile(filepath.Join(work, ex.file), []byte(ex.text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			switch ex.kind {
			case "funnel", "journey", "paths", "attribution":
				var definition map[string]any
				if err := yaml.Unmarshal([]byte(ex.text), &definition); err != nil { // JSON is YAML too
					t.Fatalf("%s: %v", ex.text, err)
				}
				path, body := "/api/v1/funnels", any(definition)
				switch ex.kind {
				case "journey":
					path, body = "/api/v1/journeys/report", map[string]any{"journey": definition}
				case "paths":
					path = "/api/v1/paths"
				case "attribution":
					path = "/api/v1/attribution"
				}
				request, _ := json.Marshal(body)
				req, _ := http.NewRequest("POST", "http://"+srv.addr+path, bytes.NewReader(request))
				req.Header.Set("Authorization", "Bearer "+docsReadKey)
				status, answer := send(t, req)
				if status != http.StatusOK {
					t.Fatalf("POST %s: %d %s", path, status, answer)
				}
				checkNumbers(t, answer)
			case "console":
				for _, c := range consoleCommands(t, ex.text) {
					runConsoleCommand(t, c, srv.addr, dataDir, work)
				}
			case "":
			default:
				t.Fatalf("unknown example kind %q", ex.kind)
			}
		})
	}
}

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// defaultDemo generates the default demo once per test run, with the docs'
// keys.
func defaultDemo(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir = filepath.Join(filepath.Dir(binary), "demo")
		out, err := exec.Command(binary, "demo", "--data", demoDir, "--serve=false", "--write-key", docsWriteKey, "--read-key", docsReadKey).CombinedOutput()
		if err != nil {
			demoErr = fmt.Errorf("waymark demo: %v\n%s", err, out)
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoDir
}

// docExample is a fenced block of a doc marked for TestDocsExamples.
type docExample struct {
	where      string // file:line
	kind, file string
	text       string
}

// readDocExamples returns the marked blocks of a Markdown file.
func readDocExamples(t *testing.T, path string) []docExample {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var examples []docExample
	var block docExample
	inBlock, marked := false, false
	var text strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		switch {
		case !inBlock && strings.HasPrefix(s, "```"):
			info := strings.Fields(strings.TrimPrefix(s, "```"))
			block = docExample{where: fmt.Sprintf("%s:%d", filepath.Base(path), line)}
			inBlock, marked = true, false
			for _, field := range info[min(1, len(info)):] {
				key, value, _ := strings.Cut(field, "=")
				switch key {
				case "example":
					marked, block.kind = true, value
				case "file":
					marked, block.file = true, value
				}
			}
			if marked && block.kind == "" && len(info) > 0 && info[0] == "console" {
				block.kind = "console"
			}
			text.Reset()
		case inBlock && s == "```":
			if marked {
				block.text = text.String()
				examples = append(examples, block)
			}
			inBlock = false
		case inBlock:
			text.WriteString(sc.Text())
			text.WriteByte('\n')
		}
	}
	return examples
}

// consoleCommand is one "$ " command of a console block and the output
// shown under it.
type consoleCommand struct {
	args   []string
	output string
}

// consoleCommands splits a console block into its commands. A command goes
// on over the next lines while a quote is open or a line ends in a
// backslash, as in a shell.
func consoleCommands(t *testing.T, text string) []consoleCommand {
	t.Helper()
	var commands []consoleCommand
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		command, ok := strings.CutPrefix(lines[i], "$ ")
		if !ok {
			if len(commands) == 0 {
				t.Fatalf("console example does not start with a command: %q", lines[i])
			}
			commands[len(commands)-1].output += lines[i] + "\n"
			continue
		}
		args, complete := shellWords(command)
		for !complete && i+1 < len(lines) {
			i++
			command += "\n" + lines[i]
			args, complete = shellWords(command)
		}
		if !complete {
			t.Fatalf("unfinished command: %s", command)
		}
		commands = append(commands, consoleCommand{args: args})
	}
	return commands
}

// shellWords splits a command line as a shell does, with single and double
// quotes and backslashes; complete is false while a quote is open or the
// line ends in a backslash.
func shellWords(s string) (words []string, complete bool) {
	var word strings.Builder
	inWord := false
	var quote rune
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case quote == '"':
			switch {
			case r == '"':
				quote = 0
			case r == '\\' && i+1 < len(runes) && strings.ContainsRune(`"\$`+"`", runes[i+1]):
				i++
				word.WriteRune(runes[i])
			default:
				word.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '\\':
			if i+1 == len(runes) {
				return words, false
			}
			i++
			if runes[i] != '\n' {
				word.WriteRune(runes[i])
				inWord = true
			}
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, quote == 0
}

var statusLine = regexp.MustCompile(`^HTTP/1\.1 (\d{3})`)

// runConsoleCommand runs a curl or waymark command of the docs.
func runConsoleCommand(t *testing.T, c consoleCommand, addr, dataDir, work string) {
	t.Helper()
	shown := strings.Join(c.args, " ")
	switch c.args[0] {
	case "curl":
		req := curlRequest(t, c.args[1:], addr)
		status, answer := send(t, req)
		wantError := strings.Contains(c.output, `"error"`)
		if m := statusLine.FindStringSubmatch(c.output); m != nil {
			if fmt.Sprint(status) != m[1] {
				t.Fatalf("%s: status %d, the docs show %s\n%s", shown, status, m[1], answer)
			}
		} else if wantError != (status >= 400) {
			t.Fatalf("%s: status %d, the docs show\n%s\nit answered\n%s", shown, status, c.output, answer)
		}
		if status == http.StatusOK && isReport(req.URL.Path) {
			checkNumbers(t, answer)
		}
	case "waymark":
		run := func(extra ...string) string {
			cmd := exec.Command(binary, append(append(c.args[1:], "--data", dataDir), extra...)...)
			cmd.Dir = work
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || len(out) == 0 {
				t.Fatalf("%s: %v\n%s%s", shown, err, out, stderr.String())
			}
			return string(out)
		}
		run()
		if len(c.args) > 2 && c.args[1] == "query" && c.args[2] != "person" {
			checkNumbers(t, []byte(run("--format", "json")))
		}
	default:
		t.Fatalf("%s: the docs' examples run curl and waymark only", shown)
	}
}

// curlRequest makes the request of a curl command line, sent to addr
// instead of the docs' 127.0.0.1:8080.
func curlRequest(t *testing.T, args []string, addr string) *http.Request {
	t.Helper()
	method, url, user := "", "", ""
	var body *string
	header := http.Header{}
	for i := 0; i < len(args); i++ {
		value := func() string {
			if i+1 == len(args) {
				t.Fatalf("curl %s needs a value", args[i])
			}
			i++
			return args[i]
		}
		switch a := args[i]; a {
		case "-i", "-s", "-sS":
		case "-X":
			method = value()
		case "-H":
			name, v, _ := strings.Cut(value(), ":")
			header.Add(name, strings.TrimSpace(v))
		case "-u":
			user = value()
		case "-d", "--data", "--data-raw":
			v := value()
			body = &v
		default:
			if strings.HasPrefix(a, "-") || url != "" {
				t.Fatalf("curl: %q is not an option the docs test knows", a)
			}
			url = strings.Replace(a, "127.0.0.1:8080", addr, 1)
		}
	}
	if method == "" {
		method = "GET"
		if body != nil {
			method = "POST"
		}
	}
	var r io.Reader
	if body != nil {
		r = strings.NewReader(*body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	if user != "" {
		name, password, _ := strings.Cut(user, ":")
		req.SetBasicAuth(name, password)
	}
	return req
}

func send(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, answer
}

func isReport(path string) bool {
	switch path {
	case "/api/v1/funnels", "/api/v1/funnels/persons", "/api/v1/paths", "/api/v1/paths/persons", "/api/v1/attribution":
		return true
	}
	return strings.HasSuffix(path, "/report")
}

// checkNumbers fails the test when a report's main numbers are zero: a
// funnel's step counts, a journey map's persons reaching each stage, the
// persons on each node of paths, a drill-down's persons, an attribution's
// conversions and each model's credit of a value other than (none).
func checkNumbers(t *testing.T, answer []byte) {
	t.Helper()
	type credit struct {
		Value       string  `json:"value"`
		Conversions float64 `json:"conversions"`
	}
	var r struct {
		Steps []struct {
			Name  string
			Count *int
		}
		Stages []struct {
			Name    string
			Reached *int
		}
		Nodes []struct {
			Name    string
			Persons *int
		}
		Total       *int
		Conversions *int                `json:"conversions"`
		Models      map[string][]credit `json:"models"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		t.Fatalf("%v: %s", err, answer)
	}
	numbers := 0
	for _, s := range r.Steps {
		if s.Count != nil {
			numbers++
			if *s.Count == 0 {
				t.Errorf("step %q counts 0", s.Name)
			}
		}
	}
	for _, s := range r.Stages {
		if s.Reached != nil {
			numbers++
			if *s.Reached == 0 {
				t.Errorf("stage %q is reached by 0", s.Name)
			}
		}
	}
	for _, n := range r.Nodes {
		if n.Persons != nil {
			numbers++
			if *n.Persons == 0 {
				t.Errorf("node %q has 0 persons", n.Name)
			}
		}
	}
	if r.Total != nil {
		numbers++
		if *r.Total == 0 {
			t.Error("no persons")
		}
	}
	if r.Models != nil {
		numbers++
		if r.Conversions == nil || *r.Conversions == 0 {
			t.Error("no conversions")
		}
		for model, credits := range r.Models {
			if !slices.ContainsFunc(credits, func(c credit) bool { return c.Value != "(none)" && c.Conversions > 0 }) {
				t.Errorf("%s credits no value", model)
			}
		}
	}
	if numbers == 0 {
		t.Errorf("not a report: %s", answer)
	}
}
