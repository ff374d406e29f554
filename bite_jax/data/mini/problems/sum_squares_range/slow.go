package main

import (
	"bufio"
	"fmt"
	"os"
)

const MOD = 1000000007

// squarePrefix returns 1^2 + ... + n^2 modulo MOD, summed term by term.
func squarePrefix(n int64) int64 {
	var s int64
	for i := int64(1); i <= n; i++ {
		s = (s + i*i) % MOD
	}
	return s
}

func main() {
	in := bufio.NewReader(os.Stdin)
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var l, r int64
		fmt.Fscan(in, &l, &r)
		fmt.Println((squarePrefix(r) - squarePrefix(l-1) + MOD) % MOD)
	}
}
