#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int m;
    cin >> m;
    vector<string> words(m);
    size_t total = 0;
    for (auto &w : words) {
        cin >> w;
        total += w.size() + 1;
    }
    string res;
    res.reserve(total);
    for (int i = m - 1; i >= 0; --i) {
        res += words[i];
        if (i > 0) res += ' ';
    }
    cout << res << '\n';
    return 0;
}
