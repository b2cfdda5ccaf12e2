// oidc-rp is a relying party nobody on this project wrote the protocol code of: it finds
// client-auth's OpenID Provider by discovery and checks what it hands out with
// github.com/coreos/go-oidc/v3 and golang.org/x/oauth2, as a Go web app signing users in
// through client-auth would.
//
// Usage:
//
//	oidc-rp -issuer URL -client-id ID [-nonce N] [-id-token JWT | ID token on stdin]
//	oidc-rp -issuer URL -client-id ID [-client-secret S] -redirect-uri URI -code C -code-verifier V [-nonce N]
//
// The first form verifies an ID token: its signature against the provider's JWKS (found by
// discovery), its issuer, its audience (the client ID), its expiry and, when -nonce is given,
// its nonce. The second form first exchanges an authorization code with its PKCE verifier at
// the token endpoint, then verifies the ID token it gets and asks the userinfo endpoint with
// the access token.
//
// It prints one JSON object on stdout, {"ok":true,...claims} or {"ok":false,"stage":...,
// "error":...}, and exits 0 either way; it never prints a token.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

type result struct {
	OK       bool     `json:"ok"`
	Stage    string   `json:"stage,omitempty"`
	Error    string   `json:"error,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
	Subject  string   `json:"subject,omitempty"`
	Audience []string `json:"audience,omitempty"`
	Expiry   string   `json:"expiry,omitempty"`
	Nonce    string   `json:"nonce,omitempty"`
	Acr      string   `json:"acr,omitempty"`
	Amr      []string `json:"amr,omitempty"`
	// What the code exchange returned, without the tokens themselves.
	Exchanged       bool   `json:"exchanged,omitempty"`
	TokenType       string `json:"token_type,omitempty"`
	HasRefreshToken bool   `json:"has_refresh_token,omitempty"`
	UserinfoSubject string `json:"userinfo_subject,omitempty"`
	UserinfoEmail   string `json:"userinfo_email,omitempty"`
}

func main() {
	issuer := flag.String("issuer", "", "the provider's issuer URL (discovery is fetched from it)")
	clientID := flag.String("client-id", "", "this relying party's client ID, the expected audience")
	clientSecret := flag.String("client-secret", "", "the client secret, for a confidential client's code exchange")
	nonce := flag.String("nonce", "", "the nonce the authorization request sent; checked when given")
	idToken := flag.String("id-token", "", "the ID token to verify (else read from stdin)")
	code := flag.String("code", "", "an authorization code to exchange")
	verifier := flag.String("code-verifier", "", "the PKCE code verifier of that code")
	redirectURI := flag.String("redirect-uri", "", "the redirect URI the code was issued to")
	timeout := flag.Duration("timeout", 10*time.Second, "give up after this long")
	flag.Parse()
	if *issuer == "" || *clientID == "" {
		fmt.Fprintln(os.Stderr, "oidc-rp: -issuer and -client-id are required")
		os.Exit(64)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	out := run(ctx, *issuer, *clientID, *clientSecret, *nonce, *idToken, *code, *verifier, *redirectURI)
	encoded, _ := json.Marshal(out)
	fmt.Println(string(encoded))
}

func run(ctx context.Context, issuer, clientID, clientSecret, nonce, rawIDToken, code, verifier, redirectURI string) result {
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return failed("discovery", err)
	}
	idTokenVerifier := provider.Verifier(&oidc.Config{ClientID: clientID})

	var out result
	var token *oauth2.Token
	if code != "" {
		config := oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, Endpoint: provider.Endpoint(), RedirectURL: redirectURI}
		token, err = config.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		if err != nil {
			return failed("exchange", err)
		}
		out.Exchanged = true
		out.TokenType = token.Type()
		out.HasRefreshToken = token.RefreshToken != ""
		fromExchange, ok := token.Extra("id_token").(string)
		if !ok || fromExchange == "" {
			return failed("exchange", errors.New("the token response has no id_token"))
		}
		rawIDToken = fromExchange
	} else if rawIDToken == "" {
		read, err := io.ReadAll(os.Stdin)
		if err != nil {
			return failed("input", err)
		}
		rawIDToken = strings.TrimSpace(string(read))
	}

	verified, err := idTokenVerifier.Verify(ctx, rawIDToken)
	if err != nil {
		return failed("verify", err)
	}
	// go-oidc leaves the nonce to the caller: it is the relying party that sent it.
	if nonce != "" && verified.Nonce != nonce {
		return failed("nonce", fmt.Errorf("the ID token's nonce %q is not the one sent", verified.Nonce))
	}
	var claims struct {
		Acr string   `json:"acr"`
		Amr []string `json:"amr"`
	}
	if err := verified.Claims(&claims); err != nil {
		return failed("claims", err)
	}
	out.OK = true
	out.Issuer = verified.Issuer
	out.Subject = verified.Subject
	out.Audience = verified.Audience
	out.Expiry = verified.Expiry.UTC().Format(time.RFC3339)
	out.Nonce = verified.Nonce
	out.Acr = claims.Acr
	out.Amr = claims.Amr

	if token != nil {
		info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
		if err != nil {
			return failed("userinfo", err)
		}
		out.UserinfoSubject = info.Subject
		out.UserinfoEmail = info.Email
	}
	return out
}

func failed(stage string, err error) result {
	return result{Stage: stage, Error: strings.ReplaceAll(err.Error(), "\n", " ")}
}
