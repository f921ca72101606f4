package demo

import "strconv"

// Ids are made from counters through mix, a bijection, so they look random
// yet never repeat within a dataset; the seed moves them, so datasets of
// different seeds share none.

// idBase returns the n-th number of the id sequence kind.
func (g *generator) idBase(kind, n uint64) uint64 {
	return mix(n + mix(g.seed^kind*0x9e3779b97f4a7c15))
}

// newAnonymousID returns a fresh anonymousId, a UUID as analytics.js makes.
func (g *generator) newAnonymousID() string {
	g.nAnon++
	hi := g.idBase(1, g.nAnon)
	lo := g.idBase(2, g.nAnon)
	hi = hi&^(0xf<<12) | 0x4<<12 // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	return formatUUID(hi, lo)
}

// formatUUID writes 128 bits in the 8-4-4-4-12 form of a UUID.
func formatUUID(hi, lo uint64) string {
	var b [36]byte
	hexInto(b[0:8], hi>>32, 8)
	b[8] = '-'
	hexInto(b[9:13], hi>>16, 4)
	b[13] = '-'
	hexInto(b[14:18], hi, 4)
	b[18] = '-'
	hexInto(b[19:23], lo>>48, 4)
	b[23] = '-'
	hexInto(b[24:36], lo, 12)
	return string(b[:])
}

func hexInto(dst []byte, v uint64, digits int) {
	for i := digits - 1; i >= 0; i-- {
		dst[i] = hexDigits[v&0xf]
		v >>= 4
	}
}

// hexID returns prefix and 16 hex digits.
func hexID(prefix string, v uint64) string {
	b := make([]byte, len(prefix)+16)
	copy(b, prefix)
	hexInto(b[len(prefix):], v, 16)
	return string(b)
}

func (g *generator) newUserID() string {
	g.nUser++
	return hexID("usr_", g.idBase(3, g.nUser))
}

func (g *generator) newGroupID() string {
	g.nGroup++
	return hexID("org_", g.idBase(4, g.nGroup))
}

func (g *generator) newCheckoutID() string {
	g.nCheckout++
	return hexID("chk_", g.idBase(5, g.nCheckout))
}

func (g *generator) newSubscriptionID() string {
	g.nSub++
	return hexID("sub_", g.idBase(6, g.nSub))
}

func (g *generator) newInviteID() string {
	g.nInvite++
	return hexID("inv_", g.idBase(7, g.nInvite))
}

// Orders and tickets count up, as shops and help desks number them.
func (g *generator) newOrderID() string {
	g.nOrder++
	return "AJ-" + strconv.FormatUint(100000+g.nOrder, 10)
}

func (g *generator) newTicketID() string {
	g.nTicket++
	return strconv.FormatUint(20000+g.nTicket, 10)
}

// clickID returns a click id value of n characters, like the ones ad
// networks put in their links.
func (g *generator) clickID(prefix string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	b := make([]byte, len(prefix)+n)
	copy(b, prefix)
	for i := len(prefix); i < len(b); i++ {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}
