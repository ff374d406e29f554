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
		var l, r int64
		fmt.Fscan(in, &l, &r)
		var s int64
		for i := l; i <= r; i++ {
			s = (s + i*i) % MOD
		}
		fmt.Println(s)
	}
}
