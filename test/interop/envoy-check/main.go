// envoy-check calls client-auth's Envoy external authorization service
// (envoy.service.auth.v3.Authorization/Check) with Envoy's own Go types, as Envoy's
// ext_authz filter would, and prints what came back. The cases and their expectations
// live in the mocha suite (test/integration/gateways/ext-authz-go.test.ts); this program only
// speaks the protocol, so a field number or type we declared wrong shows up as a
// difference between Envoy's reading of the answer and ours.
//
// Input on stdin:  {"address": "127.0.0.1:50051", "cases": [{"name": "...", "method": "GET",
//                  "path": "/", "headers": {"cookie": "token=..."}, "context": {"group": "admin"}}]}
// Output on stdout: one JSON object per case, in order, as a JSON array.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

type input struct {
	Address string     `json:"address"`
	Cases   []testCase `json:"cases"`
}

type testCase struct {
	Name    string            `json:"name"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	// The per-route context_extensions Envoy sends, e.g. {"group": "admin"}.
	Context map[string]string `json:"context"`
}

type header struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Append string `json:"append_action"`
}

type result struct {
	Name string `json:"name"`
	// The gRPC status of the Check call itself (0 when it returned a CheckResponse).
	CallCode    int    `json:"call_code"`
	CallMessage string `json:"call_message,omitempty"`
	// CheckResponse.status.code: 0 allows the request, anything else denies it.
	StatusCode int32 `json:"status_code"`
	// "ok", "denied" or "" (neither set).
	Response        string   `json:"response"`
	HeadersToSet    []header `json:"headers_to_set,omitempty"`
	HeadersToRemove []string `json:"headers_to_remove,omitempty"`
	DeniedStatus    int32    `json:"denied_status,omitempty"`
	DeniedHeaders   []header `json:"denied_headers,omitempty"`
	DeniedBody      string   `json:"denied_body,omitempty"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("reading the cases from stdin: %v", err)
	}
	conn, err := grpc.NewClient(in.Address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("connecting to %s: %v", in.Address, err)
	}
	defer conn.Close()
	client := authv3.NewAuthorizationClient(conn)

	results := make([]result, 0, len(in.Cases))
	for _, c := range in.Cases {
		results = append(results, check(client, c))
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(results); err != nil {
		fail("writing the results: %v", err)
	}
}

func check(client authv3.AuthorizationClient, c testCase) result {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	request := &authv3.CheckRequest{
		Attributes: &authv3.AttributeContext{
			Request: &authv3.AttributeContext_Request{
				Http: &authv3.AttributeContext_HttpRequest{
					Id:       "envoy-check-" + c.Name,
					Method:   c.Method,
					Path:     c.Path,
					Host:     "app.example.com",
					Scheme:   "http",
					Protocol: "HTTP/1.1",
					Headers:  c.Headers,
				},
			},
			ContextExtensions: c.Context,
		},
	}
	r := result{Name: c.Name}
	response, err := client.Check(ctx, request)
	if err != nil {
		r.CallCode = statusCode(err)
		r.CallMessage = err.Error()
		return r
	}
	r.StatusCode = response.GetStatus().GetCode()
	switch http := response.GetHttpResponse().(type) {
	case *authv3.CheckResponse_OkResponse:
		r.Response = "ok"
		r.HeadersToSet = headers(http.OkResponse.GetHeaders())
		r.HeadersToRemove = http.OkResponse.GetHeadersToRemove()
	case *authv3.CheckResponse_DeniedResponse:
		r.Response = "denied"
		r.DeniedStatus = int32(http.DeniedResponse.GetStatus().GetCode())
		r.DeniedHeaders = headers(http.DeniedResponse.GetHeaders())
		r.DeniedBody = http.DeniedResponse.GetBody()
	}
	return r
}

func headers(options []*corev3.HeaderValueOption) []header {
	out := make([]header, 0, len(options))
	for _, option := range options {
		out = append(out, header{
			Key:    option.GetHeader().GetKey(),
			Value:  option.GetHeader().GetValue(),
			Append: option.GetAppendAction().String(),
		})
	}
	return out
}

func statusCode(err error) int {
	return int(status.Code(err))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "envoy-check: "+format+"\n", args...)
	os.Exit(1)
}
