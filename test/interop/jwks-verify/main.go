// jwks-verify verifies client-auth access tokens the way a third-party service would:
// with github.com/lestrrat-go/jwx, a JOSE library nobody on this project wrote, against
// the JWKS it fetches over HTTP and caches for the Cache-Control max-age the server sends.
//
// Usage: jwks-verify -jwks URL [-issuer client-auth] [-audience client-auth]
//
// It prints "ready" once the JWKS is fetched, then reads one token per line on stdin and
// answers each with one line: "ok <sub> <kid>" or "refused <reason>".
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

func main() {
	jwksURL := flag.String("jwks", "", "URL of the JWKS (GET /.well-known/jwks.json on the bridge)")
	issuer := flag.String("issuer", "client-auth", "expected iss")
	audience := flag.String("audience", "client-auth", "expected aud")
	minRefresh := flag.Duration("min-refresh", time.Second, "refetch the JWKS no more often than this, whatever max-age says")
	flag.Parse()
	if *jwksURL == "" {
		fmt.Fprintln(os.Stderr, "jwks-verify: -jwks is required")
		os.Exit(64)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cache, err := jwk.NewCache(ctx, httprc.NewClient())
	if err != nil {
		fail(err)
	}
	// The cache refetches when the Cache-Control max-age of the last answer runs out.
	if err := cache.Register(ctx, *jwksURL, jwk.WithMinInterval(*minRefresh), jwk.WithMaxInterval(time.Hour)); err != nil {
		fail(err)
	}
	keys, err := cache.CachedSet(*jwksURL)
	if err != nil {
		fail(err)
	}
	fmt.Println("ready")

	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 16*1024), 16*1024)
	for lines.Scan() {
		token := strings.TrimSpace(lines.Text())
		if token == "" {
			continue
		}
		parsed, err := jwt.Parse([]byte(token), jwt.WithKeySet(keys), jwt.WithIssuer(*issuer), jwt.WithAudience(*audience), jwt.WithValidate(true))
		if err != nil {
			fmt.Printf("refused %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		subject, _ := parsed.Subject()
		fmt.Printf("ok %s %s\n", subject, kidOf(token))
	}
}

func kidOf(token string) string {
	message, err := jws.Parse([]byte(token))
	if err != nil || len(message.Signatures()) == 0 {
		return ""
	}
	kid, _ := message.Signatures()[0].ProtectedHeaders().KeyID()
	return kid
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "jwks-verify: %v\n", err)
	os.Exit(1)
}
