// Package codezip applies Lambda's rules for .zip deployment packages sent
// inline (Code.ZipFile of CreateFunction and UpdateFunctionCode): size limits,
// CodeSize and CodeSha256, safe extraction into a function's code directory,
// and the bootstrap check of the provided runtimes.
//
// Rules (lambda-spec.md §7; sources and what is unconfirmed are noted on each
// identifier):
//   - the zip may be at most 50 MB (52428800 bytes), else 413
//     RequestEntityTooLargeException; the whole request at most MaxRequest bytes;
//   - it must be a readable zip, else 400 InvalidParameterValueException
//     "Could not unzip uploaded file. …";
//   - the bytes it unpacks to may total at most 250 MB (262144000), counted
//     while writing, so a zip bomb stops at the limit, else 400
//     InvalidParameterValueException "Unzipped size must be smaller than …";
//   - nothing is written outside the destination: absolute names, ".."
//     escapes, backslashes, symlinks that leave the package, and entries that
//     would be written through a symlink are refused (400, the unzip message);
//     symlinks that stay inside are kept, as Lambda keeps them;
//   - duplicate names are refused, not last-wins;
//   - executable bits are kept (0755, else 0644), directories are 0755;
//   - at most MaxEntries entries, and as many directories (our own bound);
//   - on any failure the destination is emptied again.
//
// A rejection of the package is an *Error, which carries the status, code and
// message Lambda returns; any other error means our own machinery failed
// (disk full, destination missing) and maps to a 500 ServiceException.
//
// codezip uses only the standard library and imports nothing of ours.
package codezip
