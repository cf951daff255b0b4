package main

import (
	"errors"
	"path/filepath"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// dirWatch reports each file closed after writing in a folder (inotify
// IN_CLOSE_WRITE): smtp-sink closes a capture file when it answers ".".
type dirWatch struct {
	fd   int
	dir  string
	stop chan struct{}
	done chan struct{}
}

func watchDir(dir string, each func(path string)) (*dirWatch, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return nil, err
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CLOSE_WRITE); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	w := &dirWatch{fd: fd, dir: dir, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		buf := make([]byte, 64<<10)
		for {
			n, err := syscall.Read(fd, buf)
			if errors.Is(err, syscall.EAGAIN) || n <= 0 {
				select {
				case <-w.stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
				continue
			}
			for off := 0; off+syscall.SizeofInotifyEvent <= n; {
				ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
				nameb := buf[off+syscall.SizeofInotifyEvent : off+syscall.SizeofInotifyEvent+int(ev.Len)]
				off += syscall.SizeofInotifyEvent + int(ev.Len)
				name := string(nameb)
				for i := 0; i < len(name); i++ {
					if name[i] == 0 {
						name = name[:i]
						break
					}
				}
				if name != "" {
					each(filepath.Join(dir, name))
				}
			}
		}
	}()
	return w, nil
}

func (w *dirWatch) close() {
	close(w.stop)
	<-w.done
	syscall.Close(w.fd)
}

// ackWaiter collects, per recipient, when the sink accepted a letter to it.
type ackWaiter struct {
	mu   sync.Mutex
	seen map[string][]time.Time
	all  []captured
	ch   chan struct{}
}

func newAckWaiter() *ackWaiter {
	return &ackWaiter{seen: map[string][]time.Time{}, ch: make(chan struct{}, 1)}
}

func (a *ackWaiter) add(path string) {
	c, err := readCaptured(path)
	if err != nil {
		return
	}
	a.mu.Lock()
	for _, r := range c.rcpts {
		a.seen[r] = append(a.seen[r], c.at)
	}
	a.all = append(a.all, c)
	a.mu.Unlock()
	select {
	case a.ch <- struct{}{}:
	default:
	}
}

func (a *ackWaiter) get(rcpt string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.seen[rcpt]...)
}
