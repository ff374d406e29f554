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
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var q int
	fmt.Fscan(in, &q)
	n := make([]int64, q)
	k := make([]int64, q)
	top := int64(0)
	for i := 0; i < q; i++ {
		fmt.Fscan(in, &n[i], &k[i])
		if n[i] > top {
			top = n[i]
		}
	}
	// factorials and inverse factorials once, then O(1) per query
	fact := make([]int64, top+1)
	inv := make([]int64, top+1)
	fact[0] = 1
	for i := int64(1); i <= top; i++ {
		fact[i] = fact[i-1] * i % MOD
	}
	inv[top] = power(fact[top], MOD-2)
	for i := top; i > 0; i-- {
		inv[i-1] = inv[i] * i % MOD
	}
	for i := 0; i < q; i++ {
		fmt.Fprintln(out, fact[n[i]]*inv[k[i]]%MOD*inv[n[i]-k[i]]%MOD)
	}
}
