package main

import (
	"context"
	"errors"
	"io"
	"net"
	nethttp "net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPipeListener serves HTTP over in-memory pipes: requests arrive
// without a client address, keep-alive reuses a connection, and a closed
// listener refuses new ones.
func TestPipeListener(t *testing.T) {
	l := newPipeListener()
	server := &nethttp.Server{Handler: nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.URL.Path+" "+string(body)+" from "+r.RemoteAddr+".")
	})}
	var conns atomic.Int32
	server.ConnState = func(_ net.Conn, state nethttp.ConnState) {
		if state == nethttp.StateNew {
			conns.Add(1)
		}
	}
	go server.Serve(l)
	defer server.Close()
	transport := &nethttp.Transport{DialContext: l.dial}
	client := &nethttp.Client{Transport: transport}
	for range 3 {
		resp, err := client.Post("http://waymark/v1/import", "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != "POST /v1/import hello from ." {
			t.Errorf("answer %q", got)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 3 requests, want 1", n)
	}
	transport.CloseIdleConnections()
	l.Close()
	if _, err := l.dial(context.Background(), "tcp", "waymark:80"); !errors.Is(err, net.ErrClosed) {
		t.Errorf("dial after Close: %v, want net.ErrClosed", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newPipeListener().dial(ctx, "tcp", "waymark:80"); !errors.Is(err, context.Canceled) {
		t.Errorf("dial with a cancelled context: %v", err)
	}
}
