package segment

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/waymark-analytics/waymark"
)

func TestExport(t *testing.T) {
	e := waymark.Event{
		ProjectID:  "shop",
		MessageID:  "m-1",
		Type:       waymark.Track,
		Name:       "Signed Up",
		UserID:     "u-1",
		Timestamp:  time.Date(2024, 5, 14, 10, 0, 0, 0, time.UTC),
		ReceivedAt: time.Date(2024, 5, 14, 10, 0, 1, 0, time.UTC),
		Traits:     json.RawMessage(`{"plan":"pro"}`),
	}
	got, err := json.Marshal(Export(&e, "person-1"))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"type":"track","messageId":"m-1","userId":"u-1","event":"Signed Up","timestamp":"2024-05-14T10:00:00.000Z","receivedAt":"2024-05-14T10:00:01.000Z","traits":{"plan":"pro"},"personId":"person-1","projectId":"shop"}`
	if string(got) != want {
		t.Errorf("Export =\n%s\nwant\n%s", got, want)
	}
}

func TestExportRejection(t *testing.T) {
	at := time.Date(2024, 5, 14, 10, 0, 1, 0, time.UTC)
	tests := []struct {
		payload string
		want    string
	}{
		{`{"type":"track"}`, `{"messageId":"m-1","reason":"userId or anonymousId is required","receivedAt":"2024-05-14T10:00:01.000Z","payload":{"type":"track"},"projectId":"shop"}`},
		// A prefix kept of an oversized message is not JSON: it goes out as a string.
		{`{"type":"tra`, `{"messageId":"m-1","reason":"userId or anonymousId is required","receivedAt":"2024-05-14T10:00:01.000Z","payload":"{\"type\":\"tra","projectId":"shop"}`},
	}
	for _, tt := range tests {
		r := waymark.Rejection{ProjectID: "shop", MessageID: "m-1", Reason: "userId or anonymousId is required", Payload: json.RawMessage(tt.payload), ReceivedAt: at}
		got, err := json.Marshal(ExportRejection(&r))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("ExportRejection =\n%s\nwant\n%s", got, tt.want)
		}
	}
}
