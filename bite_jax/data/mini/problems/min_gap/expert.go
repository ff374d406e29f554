package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	sc.Scan()
	n, _ := strconv.Atoi(sc.Text())
	a := make([]int, n)
	for i := range a {
		sc.Scan()
		a[i], _ = strconv.Atoi(sc.Text())
	}
	// after sorting, the closest pair is adjacent
	sort.Ints(a)
	best := a[1] - a[0]
	for i := 2; i < n; i++ {
		if a[i]-a[i-1] < best {
			best = a[i] - a[i-1]
		}
	}
	fmt.Println(best)
}
