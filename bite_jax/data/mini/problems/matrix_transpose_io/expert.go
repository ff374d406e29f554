package main

import (
	"bufio"
	"os"
	"strconv"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	sc.Split(bufio.ScanWords)
	next := func() int {
		sc.Scan()
		v, _ := strconv.Atoi(sc.Text())
		return v
	}
	r, c := next(), next()
	a := make([]int, r*c)
	for i := range a {
		a[i] = next()
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	buf := make([]byte, 0, 16)
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			buf = strconv.AppendInt(buf[:0], int64(a[i*c+j]), 10)
			if i+1 < r {
				buf = append(buf, ' ')
			} else {
				buf = append(buf, '\n')
			}
			out.Write(buf)
		}
	}
}
