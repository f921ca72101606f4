package waymark

import (
	"errors"
	"fmt"
)

// Kind classifies an error for callers that must react to it, such as the
// HTTP layer choosing a status code.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindUnauthorized
	KindForbidden // authenticated, but not allowed this request
	KindConflict
	KindTooLarge
	KindUnavailable
)

// Error is an error with a kind and a message safe to show to the user.
type Error struct {
	Kind    Kind
	Message string
	Err     error // the cause, for logs; may be nil
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err, or KindInternal if it carries none.
func ErrorKind(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the user-facing message of err; internal errors are
// not described to users.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "internal error"
}
