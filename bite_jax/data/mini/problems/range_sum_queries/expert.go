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
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	n, q := next(), next()
	// pre[i] = a_1 + ... + a_i, so every query is one subtraction
	pre := make([]int64, n+1)
	for i := 1; i <= n; i++ {
		pre[i] = pre[i-1] + int64(next())
	}
	buf := make([]byte, 0, 24)
	for ; q > 0; q-- {
		l, r := next(), next()
		buf = strconv.AppendInt(buf[:0], pre[r]-pre[l-1], 10)
		buf = append(buf, '\n')
		out.Write(buf)
	}
}
