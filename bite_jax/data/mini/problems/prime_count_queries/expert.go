package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var q int
	fmt.Fscan(in, &q)
	xs := make([]int, q)
	top := 2
	for i := range xs {
		fmt.Fscan(in, &xs[i])
		if xs[i] > top {
			top = xs[i]
		}
	}
	// one sieve up to the largest query, then prefix counts answer every query
	composite := make([]bool, top+1)
	count := make([]int32, top+1)
	for i := 2; i <= top; i++ {
		count[i] = count[i-1]
		if composite[i] {
			continue
		}
		count[i]++
		for j := i * i; j <= top; j += i {
			composite[j] = true
		}
	}
	for _, x := range xs {
		fmt.Fprintln(out, count[x])
	}
}
