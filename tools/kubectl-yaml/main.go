// Command kubectl-yaml reads Kubernetes manifests exactly as kubectl does and prints them as JSON: the test oracle
// for cdk8s-istio-gateways' YAML loader (src/check/yaml.ts).
//
// Reading, as in kubectl's resource builder (k8s.io/cli-runtime StreamVisitor over k8s.io/apimachinery's
// YAMLOrJSONDecoder, YAML branch):
//   - the stream is split into documents by apimachinery's YAMLReader (reimplemented below, line for line, since
//     k8s.io/apimachinery is not packaged in Debian): lines are read with bufio.Reader.ReadLine (so "\r\n" becomes
//     "\n"), a line starting with "---" ends a document, and anything but spaces or a comment after "---" is an error;
//   - each document is converted with sigs.k8s.io/yaml.YAMLToJSON (goyaml v2 underneath), and documents whose JSON
//     is empty or `null` are dropped;
//   - the strict variant (YAMLToJSONStrict: duplicate keys are errors) is run too and its error reported apart.
//
// Usage:
//   kubectl-yaml FILE...   one JSON line per file: {"file":F,"docs":[...]} or {"file":F,"error":"..."}
//   kubectl-yaml --batch   stdin: a JSON array of strings (file contents); stdout: a JSON array with one
//                          {"docs":[...]} or {"error":"..."} per string, plus "strictError" when strict decoding fails
// Numbers are printed as goyaml/encoding/json print them: integers exact (int64/uint64), floats shortest.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

const separator = "---"

// lineReader is apimachinery's LineReader: one line per Read, always ending in "\n".
type lineReader struct{ reader *bufio.Reader }

func (r *lineReader) Read() ([]byte, error) {
	var (
		isPrefix bool  = true
		err      error = nil
		line     []byte
		buffer   bytes.Buffer
	)
	for isPrefix && err == nil {
		line, isPrefix, err = r.reader.ReadLine()
		buffer.Write(line)
	}
	buffer.WriteByte('\n')
	return buffer.Bytes(), err
}

// yamlReader is apimachinery's YAMLReader: Read returns the next document (without its separator line).
type yamlReader struct{ reader *lineReader }

func (r *yamlReader) Read() ([]byte, error) {
	var buffer bytes.Buffer
	for {
		line, err := r.reader.Read()
		if err != nil && err != io.EOF {
			return nil, err
		}
		sep := len([]byte(separator))
		if i := bytes.Index(line, []byte(separator)); i == 0 {
			// We have a potential document terminator
			i += sep
			trimmed := strings.TrimSpace(string(line[i:]))
			// We only allow comments and spaces following the yaml doc separator, otherwise we'll return an error
			if len(trimmed) > 0 && string(trimmed[0]) != "#" {
				return nil, fmt.Errorf("invalid Yaml document separator: %s", trimmed)
			}
			if buffer.Len() != 0 {
				return buffer.Bytes(), nil
			}
			if err == io.EOF {
				return nil, err
			}
		}
		if err == io.EOF {
			if buffer.Len() != 0 {
				// If we're at EOF, we have a final, non-terminated line. Return it.
				return buffer.Bytes(), nil
			}
			return nil, err
		}
		buffer.Write(line)
	}
}

type result struct {
	File        string            `json:"file,omitempty"`
	Docs        []json.RawMessage `json:"docs,omitempty"`
	Error       string            `json:"error,omitempty"`
	StrictError string            `json:"strictError,omitempty"`
}

// read returns the documents kubectl reads from the stream, or its error; strictErr is the first error of the
// strict conversion (duplicate keys) when the plain one succeeds.
func read(data []byte) (res result) {
	defer func() {
		if p := recover(); p != nil {
			res = result{Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	r := &yamlReader{reader: &lineReader{reader: bufio.NewReaderSize(bytes.NewReader(data), 4096)}}
	res.Docs = []json.RawMessage{}
	for {
		doc, err := r.Read()
		if err != nil && err != io.EOF {
			return result{Error: err.Error()}
		}
		if len(doc) != 0 {
			j, cerr := yaml.YAMLToJSON(doc)
			if cerr != nil {
				return result{Error: cerr.Error()}
			}
			if res.StrictError == "" {
				if _, serr := yaml.YAMLToJSONStrict(doc); serr != nil {
					res.StrictError = serr.Error()
				}
			}
			j = bytes.TrimSpace(j)
			if len(j) != 0 && !bytes.Equal(j, []byte("null")) {
				res.Docs = append(res.Docs, json.RawMessage(j))
			}
		}
		if err == io.EOF {
			return res
		}
	}
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	args := os.Args[1:]
	if len(args) == 1 && args[0] == "--batch" {
		in, err := ioutil.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var inputs []string
		if err := json.Unmarshal(in, &inputs); err != nil {
			fmt.Fprintln(os.Stderr, "stdin must be a JSON array of strings:", err)
			os.Exit(2)
		}
		results := make([]result, len(inputs))
		for i, s := range inputs {
			results[i] = read([]byte(s))
		}
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: kubectl-yaml FILE... | kubectl-yaml --batch < inputs.json")
		os.Exit(2)
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, f := range args {
		data, err := ioutil.ReadFile(f)
		var res result
		if err != nil {
			res = result{Error: err.Error()}
		} else {
			res = read(data)
		}
		res.File = f
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
