package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// assets serves the static files at /static/VERSION/PATH. VERSION is a hash
// of all the files, so a browser may keep them for good: a new build has new
// URLs. The ES modules import each other by relative paths, which keeps them
// under the same version.
type assets struct {
	version string
	files   map[string]asset // by path, such as "js/format.js"
}

type asset struct {
	contentType string
	plain, gzip []byte // gzip is nil where compressing gains nothing
}

// servedDirs are the directories of static.FS served to browsers; the
// templates are not.
var servedDirs = []string{"css", "js", "img", "vendor"}

func newAssets(files fs.FS) (*assets, error) {
	a := &assets{files: map[string]asset{}}
	sum := sha256.New()
	for _, dir := range servedDirs {
		err := fs.WalkDir(files, dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := fs.ReadFile(files, p)
			if err != nil {
				return err
			}
			sum.Write([]byte(p))
			sum.Write(b)
			contentType := mime.TypeByExtension(path.Ext(p))
			if contentType == "" {
				contentType = "text/plain; charset=utf-8" // LICENSE, NOTICE
			}
			f := asset{contentType: contentType, plain: b}
			if strings.HasPrefix(contentType, "text/") || strings.HasPrefix(contentType, "image/svg") {
				f.gzip = compress(b)
			}
			a.files[p] = f
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	a.version = hex.EncodeToString(sum.Sum(nil))[:12]
	return a, nil
}

func compress(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// url is the address of the file at p, for the templates.
func (a *assets) url(p string) string { return "/static/" + a.version + "/" + p }

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	version, p, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/static/"), "/")
	f, ok := a.files[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	securityHeaders(h)
	h.Set("Content-Type", f.contentType)
	h.Set("Vary", "Accept-Encoding")
	if version == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache") // a page of an older build: this file may differ from what it wants
	}
	body := f.plain
	if f.gzip != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
