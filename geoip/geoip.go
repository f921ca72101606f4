// Package geoip finds where an IP address is in a MaxMind-format database:
// GeoLite2 or GeoIP2 City or Country, or a DB-IP file in the same format.
// It is optional: without a database the ingest pipeline keeps only the IP.
//
// It reads the database with maxminddb-golang, the reader under
// geoip2-golang, rather than with geoip2-golang itself: geoip2's City
// record decodes every name in every language, about 9µs and 130
// allocations a lookup, where Waymark needs three strings. Decoding only
// those, and only once per database record, makes a lookup a tree walk.
package geoip

import (
	"fmt"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/waymark-analytics/waymark"
)

// DB is an open database, memory-mapped. It is safe for concurrent use.
type DB struct {
	reader *maxminddb.Reader
	// places caches decoded records by their offset in the database, which
	// identifies a record: MaxMind databases store each distinct record
	// once and point every network with it there. Direct-mapped and
	// lock-free: a slot holds the last record that hashed to it.
	places [placeSlots]atomic.Pointer[place]
}

// placeSlots is ample for the cities real traffic comes from.
const (
	placeBits  = 12
	placeSlots = 1 << placeBits
)

// place is the part of a record Waymark keeps; immutable once stored.
type place struct {
	offset                uintptr
	country, region, city string
}

// record is the part of a GeoIP2 City or Country record decoded; the
// decoder skips the rest.
type record struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	Subdivisions []struct {
		Names struct {
			English string `maxminddb:"en"`
		} `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
	City struct {
		Names struct {
			English string `maxminddb:"en"`
		} `maxminddb:"names"`
	} `maxminddb:"city"`
}

// Open opens the database at path. It fails for a file that is not a
// MaxMind database, and for databases without locations (ASN, ISP,
// anonymous IP, ...), told by their type: a location database's type names
// City, Country or Enterprise, as in GeoLite2-City or DBIP-Country-Lite.
func Open(path string) (*DB, error) {
	reader, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geoip: open %s: %w", path, err)
	}
	dbType := reader.Metadata.DatabaseType
	if !strings.Contains(dbType, "City") && !strings.Contains(dbType, "Country") && !strings.Contains(dbType, "Enterprise") {
		reader.Close()
		return nil, fmt.Errorf("geoip: %s is a %q database, which has no locations", path, dbType)
	}
	return &DB{reader: reader}, nil
}

// Lookup returns where ip is: ISO country code, the first subdivision's
// English name as Region, and the English city name, as far as the
// database knows them (a Country database knows only the country). IP is
// ip as given. An invalid or unknown address gives a Geo with only IP set:
// lookups on the ingest path never fail.
func (db *DB) Lookup(ip string) waymark.Geo {
	geo := waymark.Geo{IP: ip}
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return geo
	}
	// Zones mean nothing to the database; ::ffff:1.2.3.4 is 1.2.3.4.
	result := db.reader.Lookup(addr.WithZone("").Unmap())
	if !result.Found() {
		return geo
	}
	offset := result.Offset()
	slot := &db.places[(uint64(offset)*0x9E3779B97F4A7C15)>>(64-placeBits)]
	p := slot.Load()
	if p == nil || p.offset != offset {
		var r record
		if err := result.Decode(&r); err != nil {
			return geo // a record not laid out like GeoIP2's
		}
		p = &place{offset: offset, country: r.Country.ISOCode, city: r.City.Names.English}
		if len(r.Subdivisions) > 0 {
			p.region = r.Subdivisions[0].Names.English
		}
		slot.Store(p)
	}
	geo.Country, geo.Region, geo.City = p.country, p.region, p.city
	return geo
}

// Close unmaps the database. Lookups must have finished.
func (db *DB) Close() error {
	return db.reader.Close()
}
