package main

import (
	"bufio"
	"fmt"
	"os"
)

// prefix adds a_1 + ... + a_k up from the start every time.
func prefix(a []int64, k int) int64 {
	var s int64
	for i := 1; i <= k; i++ {
		s += a[i]
	}
	return s
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var n, q int
	fmt.Fscan(in, &n, &q)
	a := make([]int64, n+1)
	for i := 1; i <= n; i++ {
		fmt.Fscan(in, &a[i])
	}
	for ; q > 0; q-- {
		var l, r int
		fmt.Fscan(in, &l, &r)
		fmt.Fprintln(out, prefix(a, r)-prefix(a, l-1))
	}
}
