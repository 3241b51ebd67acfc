package lambdaapi

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/coldstartlab/coldstart/internal/platform"
)

var functionNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// functionRef is a FunctionName as the caller gave it, resolved.
type functionRef struct {
	name      string
	qualifier string // "" or "$LATEST"
	arn       string // as invoked: unqualified or qualified
}

// resolve accepts every FunctionName form Lambda does: `name`, `name:qualifier`,
// `account:function:name[:qualifier]` and the full ARN, plus ?Qualifier=.
func resolve(p *platform.Platform, raw, qualifierParam string) (functionRef, *apiError) {
	name, qualifier := raw, ""
	parts := strings.Split(raw, ":")
	switch {
	case strings.HasPrefix(raw, "arn:") && len(parts) >= 7 && len(parts) <= 8 && parts[5] == "function":
		name = parts[6]
		if len(parts) == 8 {
			qualifier = parts[7]
		}
	case len(parts) >= 3 && len(parts) <= 4 && parts[1] == "function":
		name = parts[2]
		if len(parts) == 4 {
			qualifier = parts[3]
		}
	case len(parts) == 2:
		name, qualifier = parts[0], parts[1]
	case len(parts) > 2:
		name = "" // fails validation below
	}
	if !functionNameRE.MatchString(name) {
		return functionRef{}, &apiError{http.StatusBadRequest, codeValidation,
			"1 validation error detected: Value '" + raw + "' at 'functionName' failed to satisfy constraint: " +
				"Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", ""}
	}
	if qualifierParam != "" {
		if qualifier != "" && qualifier != qualifierParam {
			return functionRef{}, &apiError{http.StatusBadRequest, codeInvalidParameter,
				"The derived qualifier from the function name does not match the specified qualifier.", ""}
		}
		qualifier = qualifierParam
	}
	ref := functionRef{name: name, qualifier: qualifier, arn: p.FunctionARN(name)}
	if qualifier != "" {
		ref.arn += ":" + qualifier
	}
	if _, ok := p.Function(name); !ok || (qualifier != "" && qualifier != platform.VersionLatest) {
		// Only $LATEST exists: versions and aliases are not published locally.
		return functionRef{}, notFound(ref.arn)
	}
	return ref, nil
}

// target resolves the function a control-plane request names in its path
// (and ?Qualifier=), or answers with the error.
func (s *Server) target(w http.ResponseWriter, r *http.Request) (functionRef, bool) {
	ref, aerr := resolve(s.p, r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if aerr != nil {
		writeError(w, aerr)
		return functionRef{}, false
	}
	return ref, true
}
