package main

import (
	"bufio"
	"fmt"
	"os"
)

const MOD = 1000000007

// mulmod returns x * y modulo MOD from 16-bit halves, so that every partial product fits in 32 bits.
func mulmod(x, y int64) int64 {
	xh, xl, yh, yl := x>>16, x&0xFFFF, y>>16, y&0xFFFF
	r := xh * yh % MOD
	r = (r<<16 + xh*yl + xl*yh) % MOD
	return (r<<16 + xl*yl) % MOD
}

func main() {
	in := bufio.NewReader(os.Stdin)
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var a, b int64
		fmt.Fscan(in, &a, &b)
		a %= MOD
		r := int64(1)
		for i := int64(0); i < b; i++ {
			r = mulmod(r, a)
		}
		fmt.Println(r)
	}
}
