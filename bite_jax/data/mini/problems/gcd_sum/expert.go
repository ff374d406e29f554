package main

import (
	"bufio"
	"fmt"
	"os"
)

// pillai uses multiplicativity: G(p^a) = p^(a-1) * ((a+1)p - a).
func pillai(n int64) int64 {
	res := int64(1)
	for p := int64(2); p*p <= n; p++ {
		if n%p != 0 {
			continue
		}
		a, pk := int64(0), int64(1)
		for n%p == 0 {
			n /= p
			a++
			pk *= p
		}
		res *= pk / p * ((a+1)*p - a)
	}
	if n > 1 {
		res *= 2*n - 1
	}
	return res
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var t int
	fmt.Fscan(in, &t)
	for ; t > 0; t-- {
		var n int64
		fmt.Fscan(in, &n)
		fmt.Fprintln(out, pillai(n))
	}
}
