package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ingressus/klachtd/correspondence"
	"github.com/ingressus/klachtd/mailbox"
)

// serveHTTP serves /healthz and /metrics until ctx ends.
// Each check adds to the /healthz body and says whether all is well.
func serveHTTP(ctx context.Context, addr string, gw *correspondence.Gateway, intake *mailbox.Intake, log *slog.Logger, checks ...healthCheck) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&storeCollector{gw: gw, intake: intake})
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		st := intake.Status()
		stats, err := gw.Stats(r.Context())
		body := map[string]any{"imap_connected": st.Connected, "last_poll": st.LastPoll, "last_error": st.LastError}
		ok := st.Connected && err == nil
		for _, check := range checks {
			ok = check(body) && ok
		}
		// The sender and the disk: reading the store may work while
		// writing to it fails (disk full), and letters may queue while the
		// SMTP server refuses us.
		h := gw.Health()
		body["smtp_ok"] = h.SenderDownSince.IsZero()
		if !h.SenderDownSince.IsZero() {
			ok = false
			body["smtp_down_since"], body["smtp_error"] = h.SenderDownSince, h.SenderError
		}
		body["store_ok"] = err == nil && h.StoreFailingSince.IsZero()
		if !h.StoreFailingSince.IsZero() {
			ok = false
			body["store_failing_since"], body["store_error"] = h.StoreFailingSince, h.StoreError
		}
		if err == nil {
			body["outbox_depth"] = stats.OutboxDepth
			if !stats.OldestQueued.IsZero() {
				body["oldest_queued"] = stats.OldestQueued
			}
		} else {
			body["store_error"] = err.Error()
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(body)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	log.Info("http listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// storeCollector reads the figures from the store at each scrape.
type storeCollector struct {
	gw     *correspondence.Gateway
	intake *mailbox.Intake
}

var (
	descMails      = prometheus.NewDesc("klachtd_mails_processed_total", "Incoming mails stored, by kind.", []string{"kind"}, nil)
	descLetters    = prometheus.NewDesc("klachtd_letters_total", "Letters by type and state (queued, sent, failed).", []string{"letter", "state"}, nil)
	descDepth      = prometheus.NewDesc("klachtd_outbox_depth", "Letters waiting to be sent.", nil, nil)
	descOldest     = prometheus.NewDesc("klachtd_outbox_oldest_seconds", "Age of the oldest queued letter.", nil, nil)
	descComplaints = prometheus.NewDesc("klachtd_complaints", "Complaints by state.", []string{"state"}, nil)
	descAtRisk     = prometheus.NewDesc("klachtd_terms_at_risk", "Open complaints whose term ends within 5 working days.", nil, nil)
	descLag        = prometheus.NewDesc("klachtd_intake_lag_seconds", "Seconds since the last successful check of the inbox.", nil, nil)
	descConnected  = prometheus.NewDesc("klachtd_imap_connected", "1 when the IMAP connection is up.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMails, descLetters, descDepth, descOldest, descComplaints, descAtRisk, descLag, descConnected} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.gw.Stats(ctx)
	if err != nil {
		return
	}
	for k, n := range s.MailsByKind {
		ch <- prometheus.MustNewConstMetric(descMails, prometheus.CounterValue, float64(n), k)
	}
	for k, states := range s.LettersByKind {
		for st, n := range states {
			ch <- prometheus.MustNewConstMetric(descLetters, prometheus.GaugeValue, float64(n), k, st)
		}
	}
	ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(s.OutboxDepth))
	oldest := 0.0
	if !s.OldestQueued.IsZero() {
		oldest = time.Since(s.OldestQueued).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, oldest)
	for k, n := range s.ComplaintsBy {
		ch <- prometheus.MustNewConstMetric(descComplaints, prometheus.GaugeValue, float64(n), k)
	}
	ch <- prometheus.MustNewConstMetric(descAtRisk, prometheus.GaugeValue, float64(s.TermsAtRisk))
	st := c.intake.Status()
	lag := 0.0
	if !st.LastPoll.IsZero() {
		lag = time.Since(st.LastPoll).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, lag)
	conn := 0.0
	if st.Connected {
		conn = 1
	}
	ch <- prometheus.MustNewConstMetric(descConnected, prometheus.GaugeValue, conn)
}
