package main

import (
	"bufio"
	"fmt"
	"os"
)

const MOD = 1000000007

func power(a, e int64) int64 {
	r := int64(1)
	a %= MOD
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r * a % MOD
		}
		a = a * a % MOD
	}
	return r
}

func main() {
	in := bufio.NewReader(os.Stdin)
	var q int
	fmt.Fscan(in, &q)
	for ; q > 0; q-- {
		var n, k int64
		fmt.Fscan(in, &n, &k)
		// C(n, k) = n (n-1) ... (n-k+1) / k!
		num, den := int64(1), int64(1)
		for i := int64(0); i < k; i++ {
			num = num * (n - i) % MOD
			den = den * (i + 1) % MOD
		}
		fmt.Println(num * power(den, MOD-2) % MOD)
	}
}
