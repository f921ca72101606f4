package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
)

// IPPolicy says what is stored of a client's IP address. Geolocation always
// sees the full address first, so truncating or dropping costs no accuracy.
type IPPolicy int

const (
	IPKeep     IPPolicy = iota
	IPTruncate          // zero the last IPv4 octet or the last 80 IPv6 bits, as Google Analytics does
	IPDrop
)

// ParseIPPolicy parses "keep", "truncate" or "drop".
func ParseIPPolicy(s string) (IPPolicy, error) {
	switch s {
	case "keep", "":
		return IPKeep, nil
	case "truncate":
		return IPTruncate, nil
	case "drop":
		return IPDrop, nil
	}
	return 0, fmt.Errorf("IP policy %q: want keep, truncate or drop", s)
}

func (p IPPolicy) apply(ip string) string {
	switch p {
	case IPDrop:
		return ""
	case IPTruncate:
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return "" // not an address: nothing safe to keep
		}
		bits := 24
		if addr.Is6() && !addr.Is4In6() {
			bits = 48
		}
		prefix, _ := addr.Unmap().Prefix(bits)
		return prefix.Addr().String()
	}
	return ip
}

// scrubContext applies the policy to context.ip in the stored context JSON,
// which would otherwise keep the full address.
func (p IPPolicy) scrubContext(context json.RawMessage) json.RawMessage {
	if !bytes.Contains(context, []byte(`"ip"`)) {
		return context
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(context, &fields) != nil {
		return context
	}
	var ip string
	if json.Unmarshal(fields["ip"], &ip) != nil {
		return context
	}
	if ip = p.apply(ip); ip == "" {
		delete(fields, "ip")
	} else {
		fields["ip"], _ = json.Marshal(ip)
	}
	scrubbed, err := json.Marshal(fields)
	if err != nil {
		return context
	}
	return scrubbed
}
