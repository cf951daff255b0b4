package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ingressus/klachtd/cmd/klachtd/config"
)

func TestHealthAndMetrics(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	w := newWorld(t)
	w.change(func(c *config.Config) { c.HTTP.Listen = addr })
	w.imap.Append("INBOX", testForm(3))
	stop := w.start()
	defer stop()
	if _, err := w.smtp.WaitFor(2, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		var last error
		for i := 0; i < 50; i++ {
			resp, err := http.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			last = err
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("GET %s: %v", path, last)
		return 0, ""
	}
	code, body := get("/healthz")
	var h struct {
		Connected bool `json:"imap_connected"`
		Depth     *int `json:"outbox_depth"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != 200 || !h.Connected || h.Depth == nil {
		t.Errorf("/healthz = %d %s", code, body)
	}
	wants := []string{`klachtd_complaints{state="open"} 1`, `klachtd_mails_processed_total{kind="form"} 1`, `klachtd_letters_total{letter="acknowledgement",state="sent"} 1`, "klachtd_outbox_depth 0", "klachtd_imap_connected 1"}
	// The letters were accepted a moment ago; their rows are marked sent
	// just after. Look again until the figures settle.
	var missing []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, body = get("/metrics")
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(body, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(missing) > 0 {
		t.Errorf("/metrics (status %d) lacks %q", code, missing)
	}
}
