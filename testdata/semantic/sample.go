package server

import (
	"fmt"
	h "net/http"
	"sync"
)

const DefaultPort = 8080

var (
	requests int
	mu       sync.Mutex
)

// Server serves HTTP.
type Server struct {
	Addr    string
	Handler h.Handler
	mu      sync.Mutex
}

type Handler interface {
	ServeHTTP(w h.ResponseWriter, r *h.Request)
	Name() string
}

type Middleware func(h.Handler) h.Handler

// NewServer returns a server on addr.
func NewServer(addr string) *Server {
	return &Server{Addr: addr}
}

// Handle serves one request.
func (s *Server) Handle(w h.ResponseWriter, r *h.Request) {
	s.count()
	fmt.Fprintf(w, "hello %s", r.URL.Path)
}

func (s *Server) count() {
	mu.Lock()
	defer mu.Unlock()
	requests++
}

func (s Server) String() string {
	return fmt.Sprintf("server on %s", s.Addr)
}

type Stack[T any] struct {
	items []T
}

func (st *Stack[T]) Push(v T) {
	st.items = append(st.items, v)
}
