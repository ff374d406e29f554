package main

import (
	"bufio"
	"fmt"
	"os"
)

const MOD = 1000000007

func main() {
	in := bufio.NewReader(os.Stdin)
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var a, b int64
		fmt.Fscan(in, &a, &b)
		a %= MOD
		// a^b = (a^2)^(b / 2) * a^(b % 2): half as many multiplications
		r := int64(1)
		if b%2 == 1 {
			r = a
		}
		a2 := a * a % MOD
		for i := int64(0); i < b/2; i++ {
			r = r * a2 % MOD
		}
		fmt.Println(r)
	}
}
