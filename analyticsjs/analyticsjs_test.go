package analyticsjs

import (
	"bytes"
	"io/fs"
	"regexp"
	"testing"
)

// The loader names its release in the code (src/generated/version.ts), so
// Version cannot drift from the vendored files.
func TestVersion(t *testing.T) {
	if !bytes.Contains(Loader, []byte(`="`+Version+`"`)) {
		t.Errorf("analytics.min.js does not name release %s; update Version after vendoring", Version)
	}
}

// Every chunk the loader can ask for is vendored. Webpack names a chunk
// NAME.bundle.HASH.js, with the hashes in a map after ".bundle."+.
func TestBundles(t *testing.T) {
	hashMap := regexp.MustCompile(`"\.bundle\."\+\{[^}]*\}`).Find(Loader)
	hashes := regexp.MustCompile(`"([0-9a-f]{20})"`).FindAllSubmatch(hashMap, -1)
	if len(hashes) == 0 {
		t.Fatal("no chunk hashes found in analytics.min.js")
	}
	for _, h := range hashes {
		names, err := fs.Glob(Bundles, "*.bundle."+string(h[1])+".js")
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 1 {
			t.Errorf("chunk with hash %s: vendored %v, want one file", h[1], names)
		}
	}
}
