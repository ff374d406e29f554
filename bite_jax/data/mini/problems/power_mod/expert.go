package main

import (
	"bufio"
	"fmt"
	"os"
)

const MOD = 1000000007

// power computes a^b mod MOD by repeated squaring.
func power(a, b int64) int64 {
	r := int64(1)
	a %= MOD
	for ; b > 0; b >>= 1 {
		if b&1 == 1 {
			r = r * a % MOD
		}
		a = a * a % MOD
	}
	return r
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var a, b int64
		fmt.Fscan(in, &a, &b)
		fmt.Fprintln(out, power(a, b))
	}
}
