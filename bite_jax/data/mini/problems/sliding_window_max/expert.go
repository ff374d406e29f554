package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	next := func() int {
		sc.Scan()
		v, _ := strconv.Atoi(sc.Text())
		return v
	}
	n, k := next(), next()
	a := make([]int, n)
	for i := range a {
		a[i] = next()
	}
	// dq holds window indices with decreasing values; the front is the maximum
	dq := make([]int, 0, n)
	head := 0
	var total int64
	for i := 0; i < n; i++ {
		for len(dq) > head && a[dq[len(dq)-1]] <= a[i] {
			dq = dq[:len(dq)-1]
		}
		dq = append(dq, i)
		if dq[head] <= i-k {
			head++
		}
		if i >= k-1 {
			total += int64(a[dq[head]])
		}
	}
	fmt.Println(total)
}
