package main

import "fmt"

const MOD = 1000000007

var allowed [11]bool // allowed[s] is true when s is a move size

func ways(m int) int64 {
	if m < 0 {
		return 0
	}
	if m == 0 {
		return 1
	}
	var total int64
	for s := 1; s <= 10; s++ {
		if allowed[s] {
			total = (total + ways(m-s)) % MOD
		}
	}
	return total
}

func main() {
	var n, k int
	fmt.Scan(&n, &k)
	for i := 0; i < k; i++ {
		var s int
		fmt.Scan(&s)
		allowed[s] = true
	}
	fmt.Println(ways(n))
}
