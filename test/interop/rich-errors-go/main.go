// Command rich-error-reader calls one client-auth method with a request serialized by the
// caller and prints what Go's stock gRPC tooling reads from the error:
// status.FromError(err).Details(). It proves a Go client needs no client-auth code to get
// the reason and the field at fault of an error.
//
// The request is sent as raw protobuf bytes (-request, base64) so this module needs no
// generated Go code for the client-auth API.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/status"
)

// rawCodec passes already-serialized protobuf messages through untouched.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec: unexpected %T", v)
	}
	return *b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec: unexpected %T", v)
	}
	*b = append((*b)[:0], data...)
	return nil
}

func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

type violation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

type report struct {
	Code       int               `json:"code"`
	Message    string            `json:"message"`
	Reason     string            `json:"reason"`
	Domain     string            `json:"domain"`
	Metadata   map[string]string `json:"metadata"`
	Violations []violation       `json:"violations"`
}

func main() {
	address := flag.String("address", "", "host:port of the client-auth gRPC server")
	method := flag.String("method", "", "full method name, e.g. /clientauth.v1.ClientAuth/RegisterUser")
	request := flag.String("request", "", "the serialized request message, base64")
	flag.Parse()
	body, err := base64.StdEncoding.DecodeString(*request)
	if err != nil || *address == "" || *method == "" {
		fmt.Fprintln(os.Stderr, "usage: rich-error-reader -address host:port -method /pkg.Service/Method -request BASE64")
		os.Exit(2)
	}

	conn, err := grpc.NewClient(*address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var reply []byte
	err = conn.Invoke(ctx, *method, &body, &reply, grpc.ForceCodec(rawCodec{}))
	if err == nil {
		fmt.Fprintln(os.Stderr, "the call succeeded; expected an error")
		os.Exit(1)
	}

	st, _ := status.FromError(err)
	out := report{Code: int(st.Code()), Message: st.Message(), Violations: []violation{}}
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			out.Reason, out.Domain, out.Metadata = d.GetReason(), d.GetDomain(), d.GetMetadata()
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				out.Violations = append(out.Violations, violation{Field: v.GetField(), Description: v.GetDescription()})
			}
		case error:
			fmt.Fprintln(os.Stderr, "undecodable detail:", d)
			os.Exit(1)
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
