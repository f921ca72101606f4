package geoip

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	"github.com/waymark-analytics/waymark"
)

// names is a names map in the languages GeoLite2 ships, so records decode
// at a realistic cost.
func names(en string) mmdbtype.Map {
	m := mmdbtype.Map{}
	for _, lang := range []string{"de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"} {
		m[mmdbtype.String(lang)] = mmdbtype.String(en)
	}
	return m
}

func countryPlace(iso, country string) mmdbtype.Map {
	return mmdbtype.Map{"geoname_id": mmdbtype.Uint32(1), "iso_code": mmdbtype.String(iso), "names": names(country)}
}

// cityRecord is a GeoIP2-City record as MaxMind lays it out; empty region
// or city leave those parts out.
func cityRecord(iso, country, region, city string) mmdbtype.Map {
	r := mmdbtype.Map{
		"continent":          mmdbtype.Map{"code": mmdbtype.String("EU"), "geoname_id": mmdbtype.Uint32(6255148), "names": names("Europe")},
		"country":            countryPlace(iso, country),
		"registered_country": countryPlace(iso, country),
		"location": mmdbtype.Map{
			"accuracy_radius": mmdbtype.Uint16(10),
			"latitude":        mmdbtype.Float64(51.5142),
			"longitude":       mmdbtype.Float64(-0.0931),
			"time_zone":       mmdbtype.String("Europe/London"),
		},
	}
	if region != "" {
		r["subdivisions"] = mmdbtype.Slice{
			mmdbtype.Map{"geoname_id": mmdbtype.Uint32(2), "iso_code": mmdbtype.String("X1"), "names": names(region)},
			mmdbtype.Map{"geoname_id": mmdbtype.Uint32(3), "iso_code": mmdbtype.String("X2"), "names": names("Second " + region)},
		}
	}
	if city != "" {
		r["city"] = mmdbtype.Map{"geoname_id": mmdbtype.Uint32(4), "names": names(city)}
		r["postal"] = mmdbtype.Map{"code": mmdbtype.String("EC2V")}
	}
	return r
}

// writeDB writes a database of the given type to a temporary file.
func writeDB(t testing.TB, dbType string, networks map[string]mmdbtype.Map) string {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, RecordSize: 28})
	if err != nil {
		t.Fatal(err)
	}
	for cidr, record := range networks {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tree.Insert(network, record); err != nil {
			t.Fatalf("insert %s: %v", cidr, err)
		}
	}
	path := filepath.Join(t.TempDir(), dbType+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// The networks are the ones MaxMind's own test databases use.
var cityNetworks = map[string]mmdbtype.Map{
	"81.2.69.0/24":     cityRecord("GB", "United Kingdom", "England", "London"),
	"89.160.20.0/24":   cityRecord("SE", "Sweden", "Östergötland County", "Linköping"),
	"216.160.83.0/24":  cityRecord("US", "United States", "Washington", "Milton"),
	"67.43.156.0/24":   cityRecord("BT", "Bhutan", "", ""), // country only
	"2001:218::/32":    cityRecord("JP", "Japan", "", ""),
	"2a02:ff40::/32":   cityRecord("DE", "Germany", "Hesse", "Frankfurt am Main"),
	"2001:480:10::/48": cityRecord("US", "United States", "California", "San Diego"),
}

func openDB(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestLookupCity(t *testing.T) {
	db := openDB(t, writeDB(t, "GeoIP2-City", cityNetworks))
	tests := []struct {
		ip   string
		want waymark.Geo
	}{
		{"81.2.69.142", waymark.Geo{IP: "81.2.69.142", Country: "GB", Region: "England", City: "London"}},
		{"89.160.20.112", waymark.Geo{IP: "89.160.20.112", Country: "SE", Region: "Östergötland County", City: "Linköping"}},
		{"216.160.83.56", waymark.Geo{IP: "216.160.83.56", Country: "US", Region: "Washington", City: "Milton"}},
		{"67.43.156.1", waymark.Geo{IP: "67.43.156.1", Country: "BT"}},
		{"2001:218:85a3::8a2e:370:7334", waymark.Geo{IP: "2001:218:85a3::8a2e:370:7334", Country: "JP"}},
		{"2a02:ff40::1", waymark.Geo{IP: "2a02:ff40::1", Country: "DE", Region: "Hesse", City: "Frankfurt am Main"}},
		{"2A02:FF40:0:0::AB", waymark.Geo{IP: "2A02:FF40:0:0::AB", Country: "DE", Region: "Hesse", City: "Frankfurt am Main"}},
		{"2001:480:10::1", waymark.Geo{IP: "2001:480:10::1", Country: "US", Region: "California", City: "San Diego"}},
		// IPv4-mapped IPv6, as a dual-stack listener reports IPv4 clients.
		{"::ffff:81.2.69.142", waymark.Geo{IP: "::ffff:81.2.69.142", Country: "GB", Region: "England", City: "London"}},
		{"fe80::1%eth0", waymark.Geo{IP: "fe80::1%eth0"}},
		{" 81.2.69.142 ", waymark.Geo{IP: " 81.2.69.142 ", Country: "GB", Region: "England", City: "London"}},
		// Misses: not in the database.
		{"8.8.8.8", waymark.Geo{IP: "8.8.8.8"}},
		{"127.0.0.1", waymark.Geo{IP: "127.0.0.1"}},
		{"2001:db8::1", waymark.Geo{IP: "2001:db8::1"}},
		// Invalid: only the IP comes back.
		{"", waymark.Geo{}},
		{"not-an-ip", waymark.Geo{IP: "not-an-ip"}},
		{"81.2.69", waymark.Geo{IP: "81.2.69"}},
		{"81.2.69.142:443", waymark.Geo{IP: "81.2.69.142:443"}},
		{"999.1.1.1", waymark.Geo{IP: "999.1.1.1"}},
	}
	for _, tt := range tests {
		if got := db.Lookup(tt.ip); got != tt.want {
			t.Errorf("Lookup(%q)\n got %+v\nwant %+v", tt.ip, got, tt.want)
		}
	}
}

func TestLookupCountryDatabase(t *testing.T) {
	country := func(iso, name string) mmdbtype.Map {
		return mmdbtype.Map{"country": countryPlace(iso, name), "registered_country": countryPlace(iso, name)}
	}
	db := openDB(t, writeDB(t, "GeoLite2-Country", map[string]mmdbtype.Map{
		"81.2.69.0/24":  country("GB", "United Kingdom"),
		"2001:218::/32": country("JP", "Japan"),
	}))
	for ip, want := range map[string]waymark.Geo{
		"81.2.69.142":   {IP: "81.2.69.142", Country: "GB"},
		"2001:218::1":   {IP: "2001:218::1", Country: "JP"},
		"216.160.83.56": {IP: "216.160.83.56"},
	} {
		if got := db.Lookup(ip); got != want {
			t.Errorf("Lookup(%q) = %+v, want %+v", ip, got, want)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	asn := writeDB(t, "GeoLite2-ASN", map[string]mmdbtype.Map{
		"81.2.69.0/24": {"autonomous_system_number": mmdbtype.Uint32(20712), "autonomous_system_organization": mmdbtype.String("Andrews & Arnold Ltd")},
	})
	unknown := writeDB(t, "Acme-Locations", map[string]mmdbtype.Map{
		"81.2.69.0/24": cityRecord("GB", "United Kingdom", "England", "London"),
	})
	notMMDB := filepath.Join(t.TempDir(), "GeoLite2-City.mmdb")
	if err := os.WriteFile(notMMDB, []byte("this is not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"ASN database":   asn,
		"unknown type":   unknown,
		"not a database": notMMDB,
		"missing file":   filepath.Join(t.TempDir(), "missing.mmdb"),
		"directory":      t.TempDir(),
	} {
		if db, err := Open(path); err == nil {
			db.Close()
			t.Errorf("%s: Open(%s) succeeded", name, path)
		}
	}
}

// TestLookupManyRecords looks up twice as many distinct records as the
// cache has slots, twice over, so that slots are shared and replaced.
func TestLookupManyRecords(t *testing.T) {
	const n = 2 * placeSlots
	networks := make(map[string]mmdbtype.Map, n)
	for i := range n {
		networks[fmt.Sprintf("81.%d.%d.0/24", i/256, i%256)] = mmdbtype.Map{
			"country": mmdbtype.Map{"iso_code": mmdbtype.String("GB")},
			"city":    mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(fmt.Sprint("Town ", i))}},
		}
	}
	db := openDB(t, writeDB(t, "GeoIP2-City", networks))
	for range 2 {
		for i := range n {
			ip := fmt.Sprintf("81.%d.%d.7", i/256, i%256)
			want := waymark.Geo{IP: ip, Country: "GB", City: fmt.Sprint("Town ", i)}
			if got := db.Lookup(ip); got != want {
				t.Fatalf("Lookup(%q) = %+v, want %+v", ip, got, want)
			}
		}
	}
}

func TestLookupConcurrent(t *testing.T) {
	db := openDB(t, writeDB(t, "GeoIP2-City", cityNetworks))
	want := map[string]string{"81.2.69.142": "London", "89.160.20.112": "Linköping", "2a02:ff40::1": "Frankfurt am Main"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				for ip, city := range want {
					if got := db.Lookup(ip); got.City != city {
						t.Errorf("Lookup(%q) = %+v, want city %q", ip, got, city)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkLookup shows the steady state, a record already decoded, for
// IPv4, IPv6 and a miss.
func BenchmarkLookup(b *testing.B) {
	db := openDB(b, writeDB(b, "GeoIP2-City", cityNetworks))
	for _, ip := range []string{"81.2.69.142", "2a02:ff40::1", "8.8.8.8"} {
		b.Run(ip, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				db.Lookup(ip)
			}
		})
	}
}
