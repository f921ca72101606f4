package segment

import (
	"encoding/json"
	"io"

	"github.com/waymark-analytics/waymark"
)

// Exported is a stored event as `waymark export` writes it, one a line: the
// Segment message, the person its distinct id resolved to and its project.
// Importing reads the message and ignores the other two.
type Exported struct {
	Message
	PersonID  string `json:"personId,omitempty"`
	ProjectID string `json:"projectId,omitempty"`
}

// Export returns e for export; see FromEvent.
func Export(e *waymark.Event, personID string) Exported {
	return Exported{Message: FromEvent(e), PersonID: personID, ProjectID: e.ProjectID}
}

// ExportedRejection is a dead letter as `waymark export --rejected` writes it.
type ExportedRejection struct {
	MessageID  string `json:"messageId,omitempty"`
	Reason     string `json:"reason"`
	ReceivedAt string `json:"receivedAt"`
	// Payload is the message as received. When what was kept is not JSON
	// (a cut-off prefix, or a batch whose syntax was broken) it is a JSON
	// string of those bytes instead, so the line can still be read.
	Payload   json.RawMessage `json:"payload"`
	ProjectID string          `json:"projectId,omitempty"`
}

// ExportRejection returns r for export.
func ExportRejection(r *waymark.Rejection) ExportedRejection {
	payload := r.Payload
	if checkJSON(payload) != nil {
		payload, _ = json.Marshal(string(r.Payload)) // cannot fail for a string
	}
	return ExportedRejection{
		MessageID:  r.MessageID,
		Reason:     r.Reason,
		ReceivedAt: formatTime(r.ReceivedAt),
		Payload:    payload,
		ProjectID:  r.ProjectID,
	}
}

// NewEncoder returns a JSON encoder for export lines. It leaves <, > and &
// unescaped so that exported properties read, and re-import, as they were sent.
func NewEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
