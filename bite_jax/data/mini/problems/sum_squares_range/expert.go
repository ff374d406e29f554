package main

import (
	"bufio"
	"fmt"
	"os"
)

const MOD = 1000000007
const INV6 = 166666668 // inverse of 6 modulo MOD

// squarePrefix returns 1^2 + ... + n^2 modulo MOD using n(n+1)(2n+1)/6.
func squarePrefix(n int64) int64 {
	return n % MOD * ((n + 1) % MOD) % MOD * ((2*n + 1) % MOD) % MOD * INV6 % MOD
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var l, r int64
		fmt.Fscan(in, &l, &r)
		fmt.Fprintln(out, (squarePrefix(r)-squarePrefix(l-1)+MOD)%MOD)
	}
}
