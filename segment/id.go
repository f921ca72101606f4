package segment

import (
	"crypto/rand"
	"encoding/hex"
)

// newMessageID returns a random (version 4) UUID for a message sent without
// a messageId, so that every stored event can be told apart and deduplicated.
func newMessageID() string {
	var u [16]byte
	rand.Read(u[:]) // never fails, per crypto/rand
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}
