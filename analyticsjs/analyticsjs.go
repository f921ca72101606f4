// Package analyticsjs holds Segment's analytics.js, release 1.84.3 of the npm
// package @segment/analytics-next (MIT, dist/LICENSE.MD), so that Waymark can
// serve it itself and pages need nothing from Segment's CDN.
//
// dist/analytics.min.js is the release's dist/umd/standalone.js, the bundle
// Segment's CDN serves under that name; dist/bundles holds the chunks it loads.
// The files are the release's own, unchanged: scripts/vendor-analytics-next.sh
// fetches them and checks the release's hash.
package analyticsjs

import (
	"embed"
	"io/fs"
)

// Version is the vendored release of @segment/analytics-next.
const Version = "1.84.3"

// dist also holds the licence, so that it ships in every binary.
//
//go:embed dist
var dist embed.FS

// Loader is the bundle served as analytics.min.js.
var Loader = must(fs.ReadFile(dist, "dist/analytics.min.js"))

// Bundles holds the loader's code-split chunks by file name, as the loader
// asks for them under /analytics-next/bundles/.
var Bundles = must(fs.Sub(dist, "dist/bundles"))

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // the files are embedded: only a broken build gets here
	}
	return v
}
