package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
)

// sortCount merge-sorts a in place and returns its inversion count.
func sortCount(a, tmp []int) int {
	n := len(a)
	if n < 2 {
		return 0
	}
	mid := n / 2
	cnt := sortCount(a[:mid], tmp[:mid]) + sortCount(a[mid:], tmp[mid:])
	i, j, k := 0, mid, 0
	for i < mid && j < n {
		if a[j] < a[i] {
			cnt += mid - i
			tmp[k] = a[j]
			j++
		} else {
			tmp[k] = a[i]
			i++
		}
		k++
	}
	k += copy(tmp[k:], a[i:mid])
	copy(tmp[k:], a[j:])
	copy(a, tmp[:n])
	return cnt
}

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
	fmt.Println(sortCount(a, make([]int, n)))
}
