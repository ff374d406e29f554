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
		r := int64(1)
		for i := int64(0); i < b; i++ {
			r = r * a % MOD
		}
		fmt.Println(r)
	}
}
