// Command helm-check reads `helm template` output (multi-document YAML) on stdin, decodes
// every manifest strictly with the Kubernetes API types (client-go's scheme; an unknown or
// duplicated field is an error, as the API server's strict field validation would refuse
// it), and checks what deploy/helm/client-auth promises: gRPC probes on the gRPC port, a
// preStop sleep inside the grace period with the service's drain after it, the security
// context, and ports and selectors that meet. Problems go to stderr (exit 1); a JSON
// summary of what was rendered goes to stdout for the test to compare with its values.
package main

import (
	"bufio"
	"bytes"
	encjson "encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?$`)

// manifest is one decoded document and where it came from (helm's `# Source:` line).
type manifest struct {
	source  string
	object  runtime.Object // nil for a ServiceMonitor
	monitor *serviceMonitor
}

func main() {
	input, err := io.ReadAll(bufio.NewReader(os.Stdin))
	if err != nil {
		fail([]string{fmt.Sprintf("reading stdin: %v", err)})
	}
	manifests, problems := decodeAll(input)
	if len(problems) == 0 {
		summary, found := check(manifests)
		problems = found
		if len(problems) == 0 {
			out, _ := encjson.MarshalIndent(summary, "", "  ")
			fmt.Println(string(out))
			return
		}
	}
	fail(problems)
}

func fail(problems []string) {
	for _, problem := range problems {
		fmt.Fprintln(os.Stderr, "helm-check:", problem)
	}
	os.Exit(1)
}

// decodeAll decodes every non-empty document, collecting every problem rather than the first.
func decodeAll(input []byte) ([]manifest, []string) {
	strict := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
	var manifests []manifest
	var problems []string
	for _, doc := range docSeparator.Split(string(input), -1) {
		source := sourceOf(doc)
		if strings.TrimSpace(stripComments(doc)) == "" {
			continue
		}
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			problems = append(problems, fmt.Sprintf("%s: not YAML: %v", source, err))
			continue
		}
		if meta.APIVersion == "monitoring.coreos.com/v1" && meta.Kind == "ServiceMonitor" {
			monitor, err := decodeServiceMonitor([]byte(doc))
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: ServiceMonitor: %v", source, err))
				continue
			}
			manifests = append(manifests, manifest{source: source, monitor: monitor})
			continue
		}
		object, _, err := strict.Decode([]byte(doc), nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s %s: %v", source, meta.APIVersion, meta.Kind, err))
			continue
		}
		manifests = append(manifests, manifest{source: source, object: object})
	}
	if len(manifests) == 0 && len(problems) == 0 {
		problems = append(problems, "no manifests on stdin")
	}
	return manifests, problems
}

// decodeServiceMonitor decodes into the fields of monitoring.coreos.com/v1 the chart uses,
// refusing any other: the Prometheus Operator's Go types are a large module for one object.
func decodeServiceMonitor(doc []byte) (*serviceMonitor, error) {
	asJSON, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	decoder := encjson.NewDecoder(bytes.NewReader(asJSON))
	decoder.DisallowUnknownFields()
	var monitor serviceMonitor
	if err := decoder.Decode(&monitor); err != nil {
		return nil, err
	}
	return &monitor, nil
}

func sourceOf(doc string) string {
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "# Source: ") {
			return strings.TrimPrefix(line, "# Source: ")
		}
	}
	return "(no # Source line)"
}

func stripComments(doc string) string {
	var kept []string
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}
