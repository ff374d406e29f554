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
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	sc.Scan()
	n, _ := strconv.Atoi(sc.Text())
	var s int64
	buf := make([]byte, 0, 24)
	for i := 0; i < n; i++ {
		sc.Scan()
		x, _ := strconv.ParseInt(sc.Text(), 10, 64)
		s += x
		buf = strconv.AppendInt(buf[:0], s, 10)
		buf = append(buf, '\n')
		out.Write(buf)
	}
}
